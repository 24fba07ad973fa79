-- A unique insert: one call, one round trip. The function is in
-- migrations/0003_oban_insert_unique.sql. With %(notify)s, a new job that is available now
-- wakes the listening instances' producers (see insert_job.sql).
SELECT (result.job).*, result.conflict
FROM oban_insert_unique(
    new_state => %(state)s, new_queue => %(queue)s, new_worker => %(worker)s,
    new_args => %(args)s, new_meta => %(meta)s, new_tags => %(tags)s,
    new_max_attempts => %(max_attempts)s, new_priority => %(priority)s,
    new_inserted_at => %(inserted_at)s, new_scheduled_at => %(scheduled_at)s,
    lock_key => %(lock_key)s, config_lock_key => %(config_lock_key)s,
    unique_fields => %(unique_fields)s, unique_keys => %(unique_keys)s,
    args_match => %(args_match)s, meta_match => %(meta_match)s,
    unique_states => %(unique_states)s::oban_job_state[], period_start => %(period_start)s,
    unique_timestamp => %(unique_timestamp)s, replace => %(replace)s, app_now => %(now)s
) AS result
LEFT JOIN LATERAL (
    SELECT pg_notify('oban_insert', (result.job).queue)
    WHERE %(notify)s AND NOT result.conflict AND (result.job).state = 'available'
) AS woken ON true
