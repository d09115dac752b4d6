"""Settlement files and gateway callbacks (对账, PRODUCT §11).

- ``parse``: the file's format, refused whole with ``line N: reason``;
- ``match``: one line against our record, the undecided decided through each record's service;
- ``missing``: our records of the day the file lacks;
- ``imports``: ``settlement_import``, the whole import (``manage.py settlement_import FILE``);
- ``resolve``: the finance queue's resolution, audited;
- ``callbacks``: the gateway's signed callback, recorded through the same services.

docs/rails.md "Settlement files" and "Gateway callbacks" describe them.
"""
