-- Every running-queue measurement starts from an empty table (untimed).
TRUNCATE oban_jobs RESTART IDENTITY
