"""One view class per operation (STYLE.md "Partner API"): parse, call one service, answer."""
