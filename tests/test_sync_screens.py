"""What sync looks like at the station: the header's hub mark and the team lead's sync issues
screen, driven through Pilot on the demo plant in a real SQLite file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.cells import cell_len
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Label

from kiosk.app import KioskApp
from kiosk.config import StationConfig
from kiosk.services import Services
from kiosk.store.models import User
from screens.home import HomeScreen
from screens.pin_prompt import PinPrompt
from screens.sync_issues import SyncIssueList, SyncIssuesScreen
from screens.widgets.station_header import StationHeader
from sync.status import HubStatus
from tests.fakes import FakeClock
from tests.test_app import sign_in, type_and_enter, wait_for

HANDHELD = (40, 16)
DESK = (120, 40)


@pytest.fixture
def app(config: StationConfig, clock: FakeClock, services: Services) -> KioskApp:
    """No `[hub]` in the config: the test sets `hub_status` as the sync worker would."""
    return KioskApp(config, clock, lambda: services, tick_seconds=0.05)


def rows(app: KioskApp, widget: Widget | None = None) -> list[str]:
    """The text on the glass, whole rows or only inside `widget` (without its scrollbar)."""
    strips = app.screen._compositor.render_strips()
    if widget is None:
        return [strip.text for strip in strips]
    box = widget.scrollable_content_region
    return [strips[y].crop(box.x, box.right).text for y in range(box.y, box.bottom)]


def squash(text: str) -> str:
    """Wrapped lines joined: what a line break or an indent splits, compared whole."""
    return "".join(text.split())


def hhmm(clock: FakeClock, hours_ago: float = 0) -> str:
    return (clock.now() - timedelta(hours=hours_ago)).astimezone().strftime("%H:%M")


def assert_header_whole(app: KioskApp, width: int) -> str:
    """Every part of the header is drawn in full inside the screen; returns the top row."""
    header = app.screen.query_one(StationHeader)
    for part in header.query(Label):
        text = str(part.render())
        if part.id == "station-name" or not part.display:
            continue
        assert part.region.right <= width, f"#{part.id} runs off the screen"
        assert part.region.width >= cell_len(text) + part.styles.gutter.width, f"#{part.id} cut"
    return rows(app)[0]


async def header_shows(pilot: Pilot[None], app: KioskApp, status: HubStatus | None) -> str:
    app.hub_status = status
    await pilot.pause()
    await pilot.pause()
    return assert_header_whole(app, app.size.width)


async def test_header_follows_the_hub_status_on_a_desk_terminal(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=DESK) as pilot:
        await sign_in(pilot, app, "E1003")
        top = await header_shows(pilot, app, None)
        assert "○ no hub" in top
        top = await header_shows(pilot, app, HubStatus(True, 3, 0, clock.now()))
        for part in ("ST-ASM-01 Test station", "Kevin Chen · operator", hhmm(clock)):
            assert part in top
        assert f"● online · to send: 3 · synced {hhmm(clock)}" in top
        assert "⚠" not in top
        earlier = clock.now() - timedelta(hours=2)
        top = await header_shows(pilot, app, HubStatus(False, 12, 0, earlier))
        assert f"○ offline · to send: 12 · synced {hhmm(clock, 2)}" in top
        top = await header_shows(pilot, app, HubStatus(True, 0, 2, clock.now()))
        assert "● online · all sent" in top and "⚠ sync issues: 2" in top
        blocked = HubStatus(True, 5, 2, earlier, blocked="epoch conflict: an admin must accept")
        top = await header_shows(pilot, app, blocked)
        assert f"✖ sync stopped · to send: 5 · synced {hhmm(clock, 2)}" in top
        assert "⚠ sync issues: 2" in top
        assert "ST-ASM-01 Test station" in top and "Kevin Chen · operator" in top
        hub = app.screen.query_one(StationHeader).query_one("#hub", Label)
        assert hub.has_class("-stopped") and not hub.has_class("-online")
        first_sync = HubStatus(True, 0, 0, None, receiving=(2000, 5002))
        top = await header_shows(pilot, app, first_sync)
        assert "● online · all sent · receiving 2000/5002" in top


async def test_header_on_a_handheld_keeps_station_person_and_clock(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=HANDHELD) as pilot:
        await sign_in(pilot, app, "E1003")
        top = await header_shows(pilot, app, HubStatus(True, 3, 0, clock.now()))
        assert top.startswith(" ST-ASM-01")
        assert "Kevin Chen" in top and hhmm(clock) in top
        assert "● ↑3" in top  # online: the last sync was a moment ago, not worth the room
        # The work's keys first, and the way out still shows on a handheld's three lines.
        keys = "\n".join(rows(app)[-3:])
        assert "F2  Start" in keys and "F12  Report" in keys and "F10  Logout" in keys
        earlier = clock.now() - timedelta(hours=2)
        top = await header_shows(pilot, app, HubStatus(False, 12, 0, earlier))
        assert f"○ ↑12 {hhmm(clock, 2)}" in top  # offline: since when
        top = await header_shows(pilot, app, HubStatus(False, 12, 2, earlier))
        assert "○ ↑12" in top and "⚠2" in top and "Kevin Chen" in top
        top = await header_shows(pilot, app, HubStatus(True, 5, 1, earlier, blocked="refused"))
        assert "✖ ↑5" in top and "⚠1" in top and hhmm(clock) in top
        issues = app.screen.query_one(StationHeader).query_one("#issues", Label)
        assert issues.has_class("-shown")
        top = await header_shows(pilot, app, HubStatus(True, 0, 0, clock.now()))
        assert "● ↑0" in top and "⚠" not in top
        assert not issues.display
        top = await header_shows(pilot, app, HubStatus(True, 0, 0, None, receiving=(40, 90)))
        assert "● ↑0 ↓40/90" in top and "Kevin Chen" in top


async def test_header_clock_moves_on_with_the_minute(app: KioskApp, clock: FakeClock) -> None:
    async with app.run_test(size=DESK) as pilot:
        await sign_in(pilot, app, "E1003")
        assert hhmm(clock) in rows(app)[0]
        clock.advance(60)
        # Redrawn by the header's own tick (once a second), though only when the minute moved.
        await wait_for(pilot, lambda: hhmm(clock) in rows(app)[0])


async def test_header_on_the_login_screen_shows_the_hub_too(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=HANDHELD) as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        top = await header_shows(pilot, app, HubStatus(False, 7, 0, None))
        assert "not signed in" in top and "○ ↑7" in top


def user_id(services: Services, name: str) -> str:
    with services.store.read() as session:
        return session.exec(select(User.id).where(col(User.name) == name)).one()


def record_hub_verdicts(services: Services, clock: FakeClock) -> None:
    """Three events as the hub answered them: two refused, one taken but flagged."""
    task = services.tasks.open_tasks()[0]
    kevin, lead = user_id(services, "Kevin Chen"), user_id(services, "Daniel Lee")
    store = services.store
    with store.write() as session:
        started = store.outbox.append(
            session,
            "operation.started",
            {"operation_id": task.operation_id, "work_order": task.work_order, "seq": task.seq},
            kevin,
            subject_id=task.operation_id,
        )
        reported = store.outbox.append(
            session,
            "operation.reported",
            {"operation_id": task.operation_id, "good": 4, "scrap": 0},
            kevin,
            subject_id=task.operation_id,
        )
        consumed = store.outbox.append(
            session,
            "material.consumed",
            {"operation_id": task.operation_id, "lot_no": "LOT42", "item_code": "R-10K", "qty": 30},
            lead,
            subject_id=task.operation_id,
        )
        answers = [
            (started, "rejected", "unknown_operation", "no operation X on the hub"),
            (reported, "rejected", "work_center_not_served", "operation Y is at WC-PACK"),
            (
                consumed,
                "flagged",
                "lot_on_hold,lot_overconsumed",
                "lot LOT42 is on hold on the hub; lot LOT42: 130 consumed of 100",
            ),
        ]
        for event, status, reason, detail in answers:
            event.sync_status, event.sync_reason, event.sync_detail = status, reason, detail
            event.synced_at = clock.now()
            session.add(event)


async def sign_in_with_pin(pilot: Pilot[None], app: KioskApp, badge: str, pin: str) -> HomeScreen:
    await wait_for(pilot, lambda: app.services is not None)
    await type_and_enter(pilot, badge)
    await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
    await type_and_enter(pilot, pin)
    await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
    home = app.screen
    assert isinstance(home, HomeScreen)
    return home


async def open_sync_issues(pilot: Pilot[None], app: KioskApp) -> SyncIssuesScreen:
    await pilot.press("f8")
    await wait_for(pilot, lambda: isinstance(app.screen, SyncIssuesScreen))
    screen = app.screen
    assert isinstance(screen, SyncIssuesScreen)
    await pilot.pause()
    return screen


def badge_colour(app: KioskApp, word: str) -> str:
    """The background behind the first `word` on the screen."""
    y, row = next((y, row) for y, row in enumerate(rows(app)) if word in row)
    colour = app.screen._compositor.get_style_at(row.index(word), y).bgcolor
    assert colour is not None
    return colour.name


ENGLISH_CARDS = [  # newest first
    [
        "FLAGGED",
        "recorded, but needs a look",
        "material used",
        "Daniel Lee",
        "LOT42",
        "The lot is on hold",
        "More was used from the lot than it holds",
        "lot LOT42 is on hold on the hub; lot LOT42: 130 consumed of 100",
    ],
    [
        "REJECTED",
        "not recorded by the hub",
        "work report",
        "The operation's work center is not served by this station",
        "operation Y is at WC-PACK",
    ],
    [
        "REJECTED",
        "operation started",
        "The hub has no such operation",
        "no operation X on the hub",
    ],
]


async def test_team_lead_sees_what_the_hub_refused_and_flagged(
    app: KioskApp, clock: FakeClock, services: Services
) -> None:
    record_hub_verdicts(services, clock)
    task = services.tasks.open_tasks()[0]
    async with app.run_test(size=DESK) as pilot:
        await sign_in_with_pin(pilot, app, "E1010", "8642")  # Daniel Lee, team lead, English
        screen = await open_sync_issues(pilot, app)
        shown = squash("\n".join(rows(app, screen.query_one(SyncIssueList))))
        at = [shown.index(squash(card[0])) for card in ENGLISH_CARDS]
        assert at == sorted(at), "newest first"
        for card in ENGLISH_CARDS:
            for part in card:
                assert squash(part) in shown, part
        assert squash(f"{task.work_order} {task.seq}") in shown  # the subject, in floor words
        assert user_id(services, "Kevin Chen") in shown  # another person: by id
        assert "Sync issues (3)" in rows(app)[1]
        # Told apart by colour as well as by word, and both stand out from the list.
        marks = {badge_colour(app, word) for word in ("FLAGGED", "REJECTED", "material used")}
        assert len(marks) == 3
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await open_sync_issues(pilot, app)
        await pilot.press("f10")  # closes the list; it does not sign the lead out
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.user is not None


@pytest.mark.parametrize(
    ("badge", "pin", "oldest"),
    [
        ("E1010", "8642", ["REJECTED", "operation started", "The hub has no such operation"]),
        ("E1009", "1357", ["被拒绝", "开工", "中心系统中没有这道工序"]),  # 陈刚 reads Chinese
    ],
)
async def test_sync_issues_scroll_with_the_arrows_on_a_handheld(
    app: KioskApp, clock: FakeClock, services: Services, badge: str, pin: str, oldest: list[str]
) -> None:
    record_hub_verdicts(services, clock)
    async with app.run_test(size=HANDHELD) as pilot:
        await sign_in_with_pin(pilot, app, badge, pin)
        screen = await open_sync_issues(pilot, app)
        issue_list = screen.query_one(SyncIssueList)
        assert issue_list.has_focus and issue_list.region.width == 40
        assert issue_list.max_scroll_y > 0
        assert "F10" in rows(app)[-1]

        def shows_oldest() -> bool:
            shown = squash("\n".join(rows(app, issue_list)))
            return all(squash(part) in shown for part in oldest)

        assert not shows_oldest()
        for _ in range(issue_list.max_scroll_y):
            await pilot.press("down")
        await pilot.pause()
        assert issue_list.scroll_y == issue_list.max_scroll_y
        assert shows_oldest()
        assert_header_whole(app, 40)


async def test_no_issues_says_so_and_a_stopped_sync_is_said_first(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=HANDHELD) as pilot:
        await sign_in_with_pin(pilot, app, "E1012", "9021")  # Jason Xu, admin
        screen = await open_sync_issues(pilot, app)
        shown = squash("\n".join(rows(app, screen.query_one(SyncIssueList))))
        assert squash("No sync issues: the hub took every record from this station.") in shown
        app.hub_status = HubStatus(True, 4, 0, None, blocked="token refused")
        await pilot.pause()
        banner = screen.query_one("#sync-stopped", Label)
        assert banner.display
        assert "The hub says: token refused" in str(banner.render())


async def test_operator_is_refused_the_sync_issues(
    app: KioskApp, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    rings: list[None] = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(None))
    async with app.run_test(size=DESK) as pilot:
        await sign_in(pilot, app, "E1003")
        await pilot.press("f8")
        await wait_for(
            pilot, lambda: any("may not do this" in str(n.message) for n in app._notifications)
        )
        assert isinstance(app.screen, HomeScreen)
        assert rings == [None]
