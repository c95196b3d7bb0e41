"""The station app driven through Pilot: real screens, a real database, a fake clock."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import col, select
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label

from kiosk.app import KioskApp
from kiosk.config import StationConfig
from kiosk.identity import SignedIn
from kiosk.services import Services
from kiosk.store.models import Event, Operation
from kiosk.work import OperationStatus, Task
from screens.choice_prompt import ChoicePrompt
from screens.home import HomeScreen
from screens.pin_prompt import PinPrompt
from screens.text_prompt import TextPrompt
from screens.widgets.key_bar import KeyBar
from screens.widgets.station_header import StationHeader
from screens.widgets.task_detail import TaskDetailPane
from tests.fakes import FakeClock


@pytest.fixture
def app(config: StationConfig, clock: FakeClock, services: Services) -> KioskApp:
    """The station app on the demo plant; the database is handed over as soon as asked."""
    return KioskApp(config, clock, lambda: services, tick_seconds=0.05)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 5) -> None:
    for _ in range(int(seconds / 0.02)):
        try:
            if condition():
                return
        except NoMatches:  # a screen just pushed may not have its widgets yet
            pass
        await pilot.pause(0.02)
    raise AssertionError("the app did not get there in time")


async def type_and_enter(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text, "enter")


def login_message(app: KioskApp) -> str:
    return str(app.login.query_one("#message", Label).render())


def events_of(services: Services, prefix: str) -> list[Event]:
    with services.store.read() as session:
        return list(
            session.exec(
                select(Event).where(col(Event.type).startswith(prefix)).order_by(col(Event.seq))
            ).all()
        )


async def sign_in(pilot: Pilot[None], app: KioskApp, badge: str) -> HomeScreen:
    await wait_for(pilot, lambda: app.services is not None)
    await type_and_enter(pilot, badge)
    await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
    home = app.screen
    assert isinstance(home, HomeScreen)
    await wait_for(pilot, lambda: home.query_one(DataTable).row_count > 0)
    return home


async def test_good_badge_opens_the_task_list_in_the_users_language(
    app: KioskApp, clock: FakeClock, services: Services
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        assert "Scan your badge" in str(app.login.query_one("#title", Label).render())
        home = await sign_in(pilot, app, "E1001")
        table = home.query_one(DataTable)
        assert table.row_count == len(services.tasks.open_tasks())
        # 张丽 works in Chinese: the table headers follow her, not the station default.
        assert [str(c.label) for c in table.columns.values()][:2] == ["状态", "工单"]
        header = str(home.query_one(StationHeader).query_one("#user", Label).render())
        assert "张丽" in header and "操作工" in header
        assert [e.type for e in events_of(services, "auth.")] == ["auth.login"]


async def test_unknown_badge_says_so_and_stays_on_login(
    app: KioskApp, clock: FakeClock, services: Services
) -> None:
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await type_and_enter(pilot, "GARBAGE-42")
        await wait_for(pilot, lambda: "not known" in login_message(app))
        assert app.screen is app.login
        assert app.login.query_one("#badge", Input).value == ""  # ready for the next scan


async def test_wrong_pin_then_lockout(app: KioskApp, clock: FakeClock, services: Services) -> None:
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        for attempt, expected in enumerate(["2 attempt(s) left", "1 attempt(s) left", "locked"]):
            await type_and_enter(pilot, "E1009")
            await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
            await type_and_enter(pilot, f"000{attempt}")
            await wait_for(pilot, lambda e=expected: e in login_message(app))  # type: ignore[misc]
        # Locked: the badge is refused at once, no PIN is asked for.
        await type_and_enter(pilot, "E1009")
        await wait_for(pilot, lambda: len(events_of(services, "auth.login_failed")) == 4)
        assert json.loads(events_of(services, "auth.login_failed")[-1].payload) == {
            "reason": "locked"
        }
        assert app.screen is app.login
        assert "locked until" in login_message(app)


async def test_team_lead_signs_in_with_pin(
    app: KioskApp, clock: FakeClock, services: Services
) -> None:
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await type_and_enter(pilot, "E1010")
        await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
        await type_and_enter(pilot, "8642")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.user is not None and app.user.name == "Daniel Lee"


async def test_idle_user_is_signed_out(app: KioskApp, clock: FakeClock, services: Services) -> None:
    async with app.run_test() as pilot:
        await sign_in(pilot, app, "E1001")
        clock.advance(30)
        await pilot.press("down")  # activity restarts the idle count
        clock.advance(45)  # 75 s since login, 45 s since the key: still signed in
        await pilot.pause(0.2)
        assert isinstance(app.screen, HomeScreen)
        clock.advance(16)
        await wait_for(pilot, lambda: app.screen is app.login)
        await wait_for(pilot, lambda: "inactivity" in login_message(app))
        await wait_for(pilot, lambda: len(events_of(services, "auth.logout")) == 1)
        [logout] = events_of(services, "auth.logout")
        assert json.loads(logout.payload)["reason"] == "idle"


async def test_sign_out_key_returns_to_login(
    app: KioskApp, clock: FakeClock, services: Services
) -> None:
    async with app.run_test() as pilot:
        await sign_in(pilot, app, "E1003")
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is app.login)
        await wait_for(pilot, lambda: "Kevin Chen signed out" in login_message(app))
        await wait_for(pilot, lambda: len(events_of(services, "auth.logout")) == 1)


def operation_status(services: Services, operation_id: str) -> OperationStatus:
    with services.store.read() as session:
        op = session.get(Operation, operation_id)
    assert op is not None
    return OperationStatus(op.status)


async def test_start_pause_resume_from_the_keys(
    app: KioskApp, clock: FakeClock, services: Services
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        home = await sign_in(pilot, app, "E1003")
        first = services.tasks.open_tasks()[0].operation_id
        await pilot.press("f2")
        await wait_for(pilot, lambda: operation_status(services, first) is OperationStatus.RUNNING)
        clock.advance(45)  # below the idle limit of 60 s
        await wait_for(
            pilot, lambda: home.query_one(DataTable).get_cell(first, "time") == "0:00:45"
        )
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("2", "enter")  # material shortage
        await wait_for(pilot, lambda: operation_status(services, first) is OperationStatus.PAUSED)
        [paused] = events_of(services, "operation.paused")
        assert json.loads(paused.payload)["reason"] == "material_shortage"
        await pilot.press("f4")
        await wait_for(pilot, lambda: operation_status(services, first) is OperationStatus.RUNNING)
        types = [e.type for e in events_of(services, "operation.")]
        assert types == ["operation.started", "operation.paused", "operation.resumed"]
        assert {e.user_id for e in events_of(services, "operation.")} == {app.user.user_id}  # type: ignore[union-attr]


async def test_keys_that_do_not_apply_are_shown_dimmed_and_do_nothing(
    app: KioskApp, clock: FakeClock, services: Services
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        home = await sign_in(pilot, app, "E1001")
        assert home.check_action("resume", ()) is None  # a pending task cannot be resumed
        await pilot.press("f4")
        await pilot.pause(0.2)
        assert events_of(services, "operation.") == []
        bar = str(home.query_one(KeyBar).render())
        assert "F2" in bar and "F4" in bar and "继续" in bar


async def test_a_qc_inspector_starts_at_what_to_inspect_and_runs_no_operation(
    app: KioskApp, clock: FakeClock, services: Services
) -> None:
    from screens.qc_home import QcHome

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await type_and_enter(pilot, "E1008")  # 黄婷, QC inspector, Chinese
        await wait_for(pilot, lambda: isinstance(app.screen, QcHome))
        await pilot.press("f2")  # a task's start elsewhere: nothing here
        await pilot.pause(0.1)
        assert isinstance(app.screen, QcHome)
        assert events_of(services, "operation.") == []


async def test_badge_scanned_while_starting_is_kept(
    config: StationConfig, clock: FakeClock, services: Services
) -> None:
    gate = threading.Event()

    def slow_open() -> Services:
        gate.wait(10)
        return services

    app = KioskApp(config, clock, slow_open, tick_seconds=0.05)
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        assert app.services is None
        assert "Starting" in login_message(app)
        await type_and_enter(pilot, "E1001")
        gate.set()
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        # Mounted, not only pushed: leaving the app under a mounting screen prunes its widgets.
        await wait_for(pilot, lambda: app.screen.is_mounted)


async def test_store_that_cannot_open_is_reported_on_screen(
    tmp_path: Path, config: StationConfig, clock: FakeClock
) -> None:
    (tmp_path / "station.db").write_bytes(b"not a database at all" * 100)
    from kiosk.app import create_app

    app = create_app(config, clock)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: "cannot be opened" in login_message(app))


async def test_quit_keys_need_an_admin(app: KioskApp, clock: FakeClock, services: Services) -> None:
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        await type_and_enter(pilot, "E1001")  # an operator may not close the terminal
        await wait_for(
            pilot, lambda: any("may not do this" in str(n.message) for n in app._notifications)
        )
        assert app.is_running
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        await type_and_enter(pilot, "E1012")
        await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
        await type_and_enter(pilot, "9021")
        await wait_for(pilot, lambda: not app.is_running)


async def test_handheld_size_shows_tasks_and_keys(
    app: KioskApp, clock: FakeClock, services: Services
) -> None:
    async with app.run_test(size=(40, 16)) as pilot:
        assert app.login.query_one("#badge", Input).region.width > 20
        home = await sign_in(pilot, app, "E1003")
        table = home.query_one(DataTable)
        assert table.region.height >= 4 and table.region.width == 40
        # Only what tells the tasks apart, and all of it fits: no sideways scrolling.
        assert [str(key.value) for key in table.columns] == ["status", "work_order", "seq", "qty"]
        assert table.virtual_size.width <= 40
        bar = home.query_one(KeyBar)
        assert bar.region.bottom == 16 and "F10" in str(bar.render())
        # The detail pane takes the focus with Tab and scrolls with the arrows.
        detail = home.query_one(TaskDetailPane)
        await wait_for(pilot, lambda: detail.virtual_size.height > detail.size.height)
        await pilot.press("tab")
        assert detail.has_focus
        await pilot.press("down", "down")
        assert detail.scroll_y == 2


async def test_two_scans_in_one_burst_are_checked_one_at_a_time(
    app: KioskApp, clock: FakeClock, services: Services
) -> None:
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await pilot.press(*"NOPE-1", "enter", *"E1003", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.pause(0.2)
        failed = events_of(services, "auth.login_failed")
        assert [json.loads(e.payload)["reason"] for e in failed] == ["unknown_badge"]
        assert [e.type for e in events_of(services, "auth.")].count("auth.login") == 1
        assert sum(isinstance(s, HomeScreen) for s in app.screen_stack) == 1


async def test_closing_the_terminal_is_recorded_with_the_logout(
    app: KioskApp, clock: FakeClock, services: Services
) -> None:
    async with app.run_test() as pilot:
        await sign_in(pilot, app, "E1001")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        await pilot.press("ctrl+q")  # a second press does not stack another prompt
        assert sum(isinstance(s, TextPrompt) for s in app.screen_stack) == 1
        await type_and_enter(pilot, "E1012")
        await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
        await type_and_enter(pilot, "9021")
        await wait_for(pilot, lambda: not app.is_running)
    logout, closed = events_of(services, "auth.logout") + events_of(services, "terminal.")
    assert json.loads(logout.payload)["reason"] == "terminal_closed"
    assert logout.seq < closed.seq


async def test_a_double_press_starts_once_without_an_error(
    app: KioskApp, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    start = services.tasks.start

    def slow_start(operation_id: str, who: SignedIn) -> Task:
        gate.wait(5)  # a busy database: the second press comes before the first answer
        return start(operation_id, who)

    monkeypatch.setattr(services.tasks, "start", slow_start)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app, "E1003")
        await pilot.press("f2", "f2")
        gate.set()
        await wait_for(pilot, lambda: len(events_of(services, "operation.started")) == 1)
        await pilot.pause(0.3)
        assert len(events_of(services, "operation.")) == 1
        assert not any(n.severity == "error" for n in app._notifications)


async def test_a_pin_prompt_left_open_closes_by_itself(
    app: KioskApp, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("screens.pin_prompt.PROMPT_TIMEOUT_SECONDS", 0.3)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await type_and_enter(pilot, "E1009")
        await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
        await wait_for(pilot, lambda: app.screen is app.login)
        # The next person's badge goes to the login field, not into the PIN of the last one.
        await type_and_enter(pilot, "E1001")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert events_of(services, "auth.login_failed") == []
