"""The demo database's advisory lock key (demo/run.py), without PostgreSQL."""

from demo.run import DB_NAME, LOCK_NAMESPACE, lock_key

INT4_MAX = 2**31 - 1


def test_lock_key_is_a_stable_positive_int4_per_database():
    # Pinned: every process, run and checkout must compute the same key, or a
    # second run would not find the first one's lock (a str's hash() varies).
    assert lock_key(DB_NAME) == 554199110
    assert lock_key("amazon_feeds_demo_other") != lock_key(DB_NAME)
    # pg_try_advisory_lock(int4, int4): both keys fit.
    assert 0 < lock_key("x" * 200) <= INT4_MAX
    assert 0 < LOCK_NAMESPACE <= INT4_MAX
