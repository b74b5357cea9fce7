"""PostgreSQL: members voting at the same moment, each in a request of its own (an app context, a
session, a commit): no ballot lost or doubled, a member's second ballot refused, and a meeting
closed in the middle of the vote counts exactly the ballots it accepted."""
from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import func, select

from zhicheng import create_app, transaction
from zhicheng.boards import meetings
from zhicheng.boards.common import BoardError
from zhicheng.boards.voting import BallotError, cast_ballot
from zhicheng.config import TestConfig
from zhicheng.extensions import db
from zhicheng.models import Ballot, BallotReceipt, Meeting, MeetingResult, User

from .conftest import to_voting

URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")]


def server(tmp_path):
    """The same database through an app whose pool holds a connection per thread, as a server's
    workers would."""
    config = TestConfig(tmp_path / "server", URL)
    config.SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 30, "max_overflow": 0}
    return create_app(config)


def run_together(app, jobs: list[tuple[str, int, object]]) -> dict[str, str]:
    """Each job (name, user id, fn(user)) in its own thread and app context, released at once."""
    barrier = threading.Barrier(len(jobs))
    outcomes: dict[str, str] = {}

    def act(name, user_id, fn):
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                barrier.wait(timeout=30)
                fn(user)
                transaction.commit()  # as the request's end does
                outcomes[name] = "ok"
            except (BallotError, BoardError) as e:
                transaction.rollback()
                outcomes[name] = str(e)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def counts(mm_id):
    ballots = dict(db.session.execute(select(Ballot.choice, func.count()).where(Ballot.meeting_material_id == mm_id)
                                      .group_by(Ballot.choice)).all())
    receipts = db.session.scalar(select(func.count()).where(BallotReceipt.meeting_material_id == mm_id))
    return ballots, receipts


def test_25_members_voting_at_once_lose_no_ballot_and_double_none(app, setup, tmp_path):
    present = to_voting(setup)
    mm_id = setup.mm("a1").id
    voters = [(m.id, m.expert.user_id) for m in present]
    db.session.remove()
    srv = server(tmp_path)

    def ballot(i):
        return lambda user: cast_ballot(user, mm_id, "approve" if i < 17 else "reject")

    jobs = [(f"m{i}", uid, ballot(i)) for i, (_, uid) in enumerate(voters)]
    jobs.append(("again", voters[0][1], ballot(0)))  # the first member's second ballot, at the same moment
    outcomes = run_together(srv, jobs)
    with srv.app_context():
        db.engine.dispose()

    assert sum(v == "ok" for v in outcomes.values()) == 25, outcomes
    refused = [v for v in outcomes.values() if v != "ok"]
    assert len(refused) == 1 and "投过票" in refused[0]
    db.session.expire_all()
    assert counts(mm_id) == ({"approve": 17, "reject": 8}, 25)


def test_closing_during_the_vote_counts_exactly_the_ballots_it_accepted(app, setup, tmp_path):
    present = to_voting(setup)
    mm_id = setup.mm("a1").id
    voters = [m.expert.user_id for m in present]
    manager_id = setup.manager.id
    meeting_id = setup.meeting.id
    db.session.remove()
    srv = server(tmp_path)

    def close(user):
        time.sleep(0.15)  # amid the ballots, which arrive over half a second
        meetings.close_meeting(user, db.session.get(Meeting, meeting_id))

    def ballot(i):
        def cast(user):
            time.sleep(i * 0.02)
            cast_ballot(user, mm_id, "approve")
        return cast

    jobs = [(f"m{i}", uid, ballot(i)) for i, uid in enumerate(voters)]
    jobs.append(("close", manager_id, close))
    outcomes = run_together(srv, jobs)
    with srv.app_context():
        db.engine.dispose()

    assert outcomes["close"] == "ok"
    accepted = sum(v == "ok" for k, v in outcomes.items() if k != "close")
    assert all(v == "ok" or "已结束" in v for v in outcomes.values()), outcomes
    result = db.session.scalar(select(MeetingResult).where(MeetingResult.meeting_material_id == mm_id))
    assert result.approve == accepted == counts(mm_id)[1]
