"""A lease is held by one claimer at a time, lapses on its own, and two processes' claims at the
same moment give it to exactly one (real SQLite file, one connection per thread)."""

from __future__ import annotations

import datetime as dt
import threading

import time_machine
from django.db import connection

from gongkai.core.leases import (
    lease_acquire,
    lease_drop,
    lease_exists,
    lease_held,
    lease_release,
    lease_renew,
)

MINUTE = dt.timedelta(minutes=1)


def test_one_holder_at_a_time_until_it_lapses(committed: None, transactional_db: None) -> None:
    assert lease_acquire("job", holder="a", ttl=MINUTE)
    assert lease_held("job")
    assert not lease_acquire("job", holder="b", ttl=MINUTE)
    with time_machine.travel(dt.datetime.now(dt.UTC) + 2 * MINUTE):
        # a crashed holder blocks nobody once its lease has lapsed
        assert lease_acquire("job", holder="b", ttl=MINUTE)
        assert not lease_renew("job", holder="a", ttl=MINUTE)
        assert lease_renew("job", holder="b", ttl=MINUTE)


def test_release_and_drop_only_by_the_holder(committed: None, transactional_db: None) -> None:
    assert lease_acquire("job", holder="a", ttl=MINUTE)
    lease_release("job", holder="b")
    assert lease_held("job")
    lease_release("job", holder="a")
    assert not lease_held("job") and lease_exists("job")
    assert lease_acquire("job", holder="b", ttl=MINUTE)
    lease_drop("job", holder="b")
    assert not lease_exists("job")


def test_concurrent_claims_give_the_lease_to_exactly_one(
    committed: None, transactional_db: None
) -> None:
    claimers = 6
    start = threading.Barrier(claimers)
    won: list[str] = []
    errors: list[BaseException] = []

    def claim(name: str) -> None:
        try:
            start.wait()
            if lease_acquire("race", holder=name, ttl=MINUTE):
                won.append(name)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(f"t{i}",)) for i in range(claimers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(won) == 1
