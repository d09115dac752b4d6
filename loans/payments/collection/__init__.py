"""The auto-debit collection run (代扣, PRODUCT §11, docs/rails.md "The collection run").

- ``planning``: a business date's first attempts, planned set-based in one statement;
- ``dispatch``: which chunks have attempts due, for the beat task and the command;
- ``sending``: a chunk's attempts, each locked, checked and committed SENDING, then charged;
- ``outcomes``: what the gateway says of a charge, recorded exactly once
  (``attempt_outcome_record``: the answer, the callback, the query sweep and the file);
- ``followups``: retries on the schedule and parts under a bank's limit;
- ``queries``: the sweep of unknown outcomes and the run's progress.
"""
