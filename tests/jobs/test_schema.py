"""The oban_jobs table is Oban's at migration version 14, so SQL written for Oban works."""

from __future__ import annotations

from datetime import datetime

import pytest

from trainer.jobs import Job, JobState

OBAN_STATES_ORDER = ["suspended", "scheduled", "available", "executing", "retryable",
                     "completed", "discarded", "cancelled"]
DATABASE_ENUM_ORDER = ["available", "suspended", "scheduled", "executing", "retryable",
                       "completed", "discarded", "cancelled"]

TIMESTAMP = "timestamp without time zone"
NOW_UTC = "timezone('UTC'::text, now())"
# column: (type, nullable, default)
COLUMNS = {
    "id": ("bigint", False, "nextval('oban_jobs_id_seq'::regclass)"),
    "state": ("oban_job_state", False, "'available'::oban_job_state"),
    "queue": ("text", False, "'default'::text"),
    "worker": ("text", False, None),
    "args": ("jsonb", False, "'{}'::jsonb"),
    "meta": ("jsonb", True, "'{}'::jsonb"),
    "tags": ("text[]", True, "ARRAY[]::text[]"),
    "errors": ("jsonb[]", False, "ARRAY[]::jsonb[]"),
    "attempt": ("integer", False, "0"),
    "max_attempts": ("integer", False, "20"),
    "priority": ("integer", False, "0"),
    "attempted_by": ("text[]", True, None),
    "inserted_at": (TIMESTAMP, False, NOW_UTC),
    "scheduled_at": (TIMESTAMP, False, NOW_UTC),
    "attempted_at": (TIMESTAMP, True, None),
    "completed_at": (TIMESTAMP, True, None),
    "discarded_at": (TIMESTAMP, True, None),
    "cancelled_at": (TIMESTAMP, True, None),
}
CHECKS = {
    "worker_length": ("CHECK (((char_length(worker) > 0) AND (char_length(worker) < 128)))",
                      True),
    "queue_length": ("CHECK (((char_length(queue) > 0) AND (char_length(queue) < 128)))", True),
    "positive_max_attempts": ("CHECK ((max_attempts > 0))", True),
    "attempt_range": ("CHECK (((attempt >= 0) AND (attempt <= max_attempts)))", True),
    "non_negative_priority": ("CHECK ((priority >= 0)) NOT VALID", False),
}
INDEXES = {
    "oban_jobs_pkey": ("btree", True, ["id"]),
    "oban_jobs_state_queue_priority_scheduled_at_id_index": (
        "btree", False, ["state", "queue", "priority", "scheduled_at", "id"]),
    "oban_jobs_args_index": ("gin", False, ["args"]),
    "oban_jobs_meta_index": ("gin", False, ["meta"]),
    "oban_jobs_state_cancelled_at_index": ("btree", False, ["state", "cancelled_at"]),
    "oban_jobs_state_discarded_at_index": ("btree", False, ["state", "discarded_at"]),
}


def test_job_states_are_obans_list_in_obans_order():
    assert [state.value for state in Job.states()] == OBAN_STATES_ORDER
    assert all(isinstance(state, JobState) for state in Job.states())
    assert Job.states() == list(JobState)


def test_the_database_enum_has_obans_order(repo):
    rows = repo.query("SELECT enumlabel FROM pg_enum WHERE enumtypid = 'oban_job_state'::regtype"
                      " ORDER BY enumsortorder")
    assert [row["enumlabel"] for row in rows] == DATABASE_ENUM_ORDER
    assert sorted(DATABASE_ENUM_ORDER) == sorted(OBAN_STATES_ORDER)


def test_columns_types_nullability_and_defaults(repo):
    rows = repo.query("""
        SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
               NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default
        FROM pg_attribute a LEFT JOIN pg_attrdef d
          ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = 'oban_jobs'::regclass AND a.attnum > 0 AND NOT a.attisdropped
    """)
    found = {row["name"]: (row["type"], row["nullable"], row["default"]) for row in rows}
    assert found == COLUMNS


def test_the_id_is_a_bigserial_primary_key(repo):
    rows = repo.query("SELECT pg_get_serial_sequence('oban_jobs', 'id') AS seq, "
                      "(SELECT data_type FROM information_schema.sequences "
                      " WHERE sequence_name = 'oban_jobs_id_seq') AS seq_type")
    assert rows == [{"seq": "public.oban_jobs_id_seq", "seq_type": "bigint"}]


def test_defaults_fill_a_minimal_row(repo):
    before = repo.query("SELECT timezone('UTC', now()) AS t")[0]["t"]
    [row] = repo.query("INSERT INTO oban_jobs (worker) VALUES ('W') RETURNING *")
    assert (row["state"], row["queue"], row["args"], row["meta"], row["tags"],
            row["errors"], row["attempt"], row["max_attempts"], row["priority"],
            row["attempted_by"]) == ("available", "default", {}, {}, [], [], 0, 20, 0, None)
    assert isinstance(row["inserted_at"], datetime) and row["inserted_at"].tzinfo is None
    assert row["inserted_at"] == row["scheduled_at"] == before  # now() is the txn's start


def test_check_constraints(repo):
    rows = repo.query("""
        SELECT conname, pg_get_constraintdef(oid) AS def, convalidated
        FROM pg_constraint WHERE conrelid = 'oban_jobs'::regclass AND contype = 'c'
    """)
    assert {r["conname"]: (r["def"], r["convalidated"]) for r in rows} == CHECKS


@pytest.mark.parametrize(("values", "constraint"), [
    ("('', 'q', 20, 0, 0)", "worker_length"),
    (f"('{'w' * 128}', 'q', 20, 0, 0)", "worker_length"),
    ("('w', '', 20, 0, 0)", "queue_length"),
    ("('w', 'q', 0, 0, 0)", "positive_max_attempts"),
    ("('w', 'q', 2, 3, 0)", "attempt_range"),
    ("('w', 'q', 2, -1, 0)", "attempt_range"),
    ("('w', 'q', 20, 0, -1)", "non_negative_priority"),
])
def test_the_checks_refuse_bad_rows(repo, values, constraint):
    import psycopg

    statement = ("INSERT INTO oban_jobs (worker, queue, max_attempts, attempt, priority) "
                 "VALUES " + values)
    with pytest.raises(psycopg.errors.CheckViolation, match=constraint), repo.transaction():
        repo.execute(statement)
    # 127 characters are fine, and so is a priority above Oban's app-level 9.
    repo.execute("INSERT INTO oban_jobs (worker, priority) VALUES (%s, 10)", ("w" * 127,))


def test_indexes(repo):
    rows = repo.query("""
        SELECT i.relname AS name, am.amname AS method, ix.indisunique AS is_unique,
               array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
                     ORDER BY k.n) AS columns
        FROM pg_index ix
        JOIN pg_class i ON i.oid = ix.indexrelid
        JOIN pg_am am ON am.oid = i.relam
        WHERE ix.indrelid = 'oban_jobs'::regclass
    """)
    found = {r["name"]: (r["method"], r["is_unique"], r["columns"]) for r in rows}
    assert found == INDEXES  # no unique index: uniqueness is the application's


def test_the_table_has_obans_version_comment_and_no_trigger(repo):
    rows = repo.query("SELECT obj_description('oban_jobs'::regclass, 'pg_class') AS comment, "
                      "(SELECT count(*) FROM pg_trigger WHERE tgrelid = 'oban_jobs'::regclass"
                      " AND NOT tgisinternal) AS triggers")
    assert rows == [{"comment": "14", "triggers": 0}]


def test_oban_peers(repo):
    rows = repo.query("""
        SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
               a.attnotnull AS not_null
        FROM pg_attribute a
        WHERE a.attrelid = 'oban_peers'::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
    """)
    assert [(r["name"], r["type"], r["not_null"]) for r in rows] == [
        ("name", "text", True), ("node", "text", True),
        ("started_at", "timestamp without time zone", True),
        ("expires_at", "timestamp without time zone", True),
    ]
    [persistence] = repo.query("SELECT relpersistence FROM pg_class WHERE oid = "
                               "'oban_peers'::regclass")
    assert persistence["relpersistence"] == "u"  # UNLOGGED
    pk = repo.query("SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint "
                    "WHERE conrelid = 'oban_peers'::regclass AND contype = 'p'")
    assert pk == [{"def": "PRIMARY KEY (name)"}]
