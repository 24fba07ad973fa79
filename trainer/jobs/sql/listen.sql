-- The channels a running instance listens on: new available jobs, and queue control.
LISTEN oban_insert;
LISTEN oban_signal
