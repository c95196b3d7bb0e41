"""The SOP viewer through Pilot, on the demo plant's SOPs: keys only, at both terminal sizes."""

from __future__ import annotations

import json
from datetime import date

import pytest
from textual.app import App
from textual.containers import VerticalScroll
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Markdown, Static

from kiosk.app import KioskApp
from kiosk.config import Language, StationConfig
from kiosk.i18n import Translator
from kiosk.services import Services
from kiosk.sop import SopService
from kiosk.sop_values import SopView
from kiosk.work import OperationStatus
from screens.sop_viewer import SopViewerScreen
from screens.widgets.key_bar import KeyBar
from tests.fakes import FakeClock
from tests.test_app import events_of, sign_in, wait_for
from tests.test_sop import operation_with

SIZES = [(120, 40), (40, 16)]
WIDE, NARROW = SIZES


class Host(App[None]):
    """Shows one viewer and keeps what it answered."""

    def __init__(self, viewer: SopViewerScreen) -> None:
        super().__init__()
        self.viewer = viewer
        self.answers: list[bool | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.viewer, self.answers.append)


def assembly_sop(services: Services, clock: FakeClock, language: Language) -> SopView:
    sop = SopService(services.store, clock).current(
        operation_with(services, "SOP-ASM-001"), language
    )
    assert sop is not None
    return sop


def assembly_host(
    services: Services, clock: FakeClock, needs_acknowledgement: bool, language: Language
) -> Host:
    sop = assembly_sop(services, clock, language)
    return Host(SopViewerScreen(Translator(language), sop, needs_acknowledgement))


def long_sop() -> SopView:
    steps = "\n".join(f"{n}. Step {n}: check the part." for n in range(1, 51))
    return SopView("SOP-LONG", 1, "en", "Long", f"# Long\n\n{steps}\n", date(2026, 1, 1), False)


def texts(viewer: SopViewerScreen) -> list[str]:
    """The text of every rendered block (headings, paragraphs, table cells), in order."""
    blocks = viewer.query_one(Markdown).query(Static)
    return [b.content.plain for b in blocks if isinstance(b.content, Content) and b.content.plain]


def label_text(viewer: SopViewerScreen, selector: str) -> str:
    return str(viewer.query_one(selector, Label).render())


async def shown(pilot: Pilot[None], host: Host, last_words: str) -> SopViewerScreen:
    """The viewer, once its document is rendered down to `last_words`."""
    await wait_for(pilot, lambda: any(last_words in t for t in texts(host.viewer)))
    return host.viewer


@pytest.mark.parametrize("size", SIZES)
async def test_images_read_as_captions_and_tables_fit_the_terminal(
    services: Services, clock: FakeClock, size: tuple[int, int]
) -> None:
    host = assembly_host(services, clock, True, Language.EN)
    async with host.run_test(size=size) as pilot:
        viewer = await shown(pilot, host, "Figure")
        rendered = texts(viewer)
        assert "[Figure: Screw order, top view (fig1.png)]" in rendered
        assert not any("🖼" in text for text in rendered)  # no icon for a picture not shown
        assert "SOP-ASM-001 v2" in label_text(viewer, "#heading")
        assert "press F2 to acknowledge" in label_text(viewer, "#must-acknowledge")
        if size == WIDE:
            assert len(viewer.query("MarkdownTable")) == 1
            assert {"Torque", "0.5 N·m ±10%", "Earth stud, rear"} <= set(rendered)
        else:
            # Four columns do not fit 40: one item per row, each value whole on its line.
            assert len(viewer.query("MarkdownTable")) == 0
            assert (
                "Fastener: M3×8 (SCR-M3X8)\nPosition: PCBA to housing, 4×\n"
                "Torque: 0.5 N·m ±10%\nTool: e-screwdriver, PH1 bit"
            ) in rendered


async def test_a_table_becomes_rows_when_the_terminal_gets_narrow(
    services: Services, clock: FakeClock
) -> None:
    host = assembly_host(services, clock, False, Language.ZH_CN)
    async with host.run_test(size=WIDE) as pilot:
        viewer = await shown(pilot, host, "图")
        assert len(viewer.query("MarkdownTable")) == 1
        await pilot.resize_terminal(*NARROW)
        await wait_for(pilot, lambda: any("扭力: 0.5 N·m ±10%" in t for t in texts(viewer)))
        assert len(viewer.query("MarkdownTable")) == 0
        assert "［图：锁付顺序（俯视图）（fig1.png）］" in texts(viewer)


@pytest.mark.parametrize("size", SIZES)
async def test_arrows_pages_home_and_end_scroll(size: tuple[int, int]) -> None:
    host = Host(SopViewerScreen(Translator(Language.EN), long_sop(), False))
    async with host.run_test(size=size) as pilot:
        viewer = await shown(pilot, host, "Step 50:")
        body = viewer.query_one("#body", VerticalScroll)
        await wait_for(pilot, lambda: body.max_scroll_y > 0)
        assert body.has_focus and body.scroll_y == 0
        await pilot.press("down")
        await wait_for(pilot, lambda: body.scroll_y == 1)
        await pilot.press("pagedown")
        page = body.scrollable_content_region.height
        await wait_for(pilot, lambda: body.scroll_y == min(1 + page, body.max_scroll_y))
        await pilot.press("end")
        await wait_for(pilot, lambda: body.scroll_y == body.max_scroll_y)
        await pilot.press("pageup")
        await wait_for(pilot, lambda: body.scroll_y < body.max_scroll_y)
        await pilot.press("home")
        await wait_for(pilot, lambda: body.scroll_y == 0)
        # Found text is scrolled to; the arrows still scroll while the search box has focus.
        await pilot.press("f3", *"step 25:", "enter")
        await wait_for(pilot, lambda: label_text(viewer, "#matches") == "1 of 1")
        [match] = viewer.query(".-match")
        await wait_for(pilot, lambda: body.region.contains_region(match.region))
        scrolled = body.scroll_y
        assert scrolled > 0 and viewer.query_one("#query", Input).has_focus
        await pilot.press("up")
        await wait_for(pilot, lambda: body.scroll_y == scrolled - 1)
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: body.scroll_y > scrolled)


@pytest.mark.parametrize(("size", "found"), [(WIDE, 6), (NARROW, 7)])
async def test_search_goes_from_match_to_match_and_says_how_many(
    services: Services, clock: FakeClock, size: tuple[int, int], found: int
) -> None:
    host = assembly_host(services, clock, True, Language.EN)
    async with host.run_test(size=size) as pilot:
        viewer = await shown(pilot, host, "Figure")
        body = viewer.query_one("#body", VerticalScroll)
        query = viewer.query_one("#query", Input)
        search_box = viewer.query_one("#search")
        assert not search_box.display  # no search box until asked for
        await pilot.press("slash", *"TORQUE", "enter")
        assert query.has_focus and query.value == "TORQUE"
        seen: list[str] = []
        for step in range(1, found + 2):
            await wait_for(
                pilot,
                lambda s=step: label_text(viewer, "#matches").startswith(  # type: ignore[misc]
                    f"{(s - 1) % found + 1} of {found}"
                ),
            )
            [match] = viewer.query(".-match")
            assert isinstance(match, Static) and isinstance(match.content, Content)
            assert "torque" in match.content.plain.casefold()
            await wait_for(pilot, lambda m=match: body.region.overlaps(m.region))  # type: ignore[misc]
            seen.append(match.content.plain)
            await pilot.press("enter" if step % 2 else "f3")  # F3 finds the next one too
        assert len(set(seen[:found])) == found and seen[found] == seen[0]  # round again
        await pilot.press("ctrl+a", "ctrl+k", *"gloves/wire", "enter")
        assert query.value == "gloves/wire"  # "/" is text in the box, not a command
        await wait_for(pilot, lambda: label_text(viewer, "#matches") == "not found")
        assert len(viewer.query(".-match")) == 0

        await pilot.press("escape")  # closes the search box only
        await wait_for(pilot, lambda: not search_box.display)
        assert body.has_focus and host.screen is viewer
        await pilot.press("escape")
        await wait_for(pilot, lambda: host.answers == [False])


@pytest.mark.parametrize("size", SIZES)
async def test_f2_acknowledges_a_new_version(
    services: Services, clock: FakeClock, size: tuple[int, int]
) -> None:
    host = assembly_host(services, clock, True, Language.EN)
    async with host.run_test(size=size) as pilot:
        viewer = await shown(pilot, host, "Figure")
        bar = str(viewer.query_one(KeyBar).render())
        assert "F2" in bar and "Acknowledge" in bar
        await pilot.press("pagedown", "f2")
        await wait_for(pilot, lambda: host.answers == [True])
        assert host.screen is not viewer


@pytest.mark.parametrize("size", SIZES)
async def test_without_a_new_version_there_is_nothing_to_acknowledge(
    services: Services, clock: FakeClock, size: tuple[int, int]
) -> None:
    host = assembly_host(services, clock, False, Language.EN)
    async with host.run_test(size=size) as pilot:
        viewer = await shown(pilot, host, "Figure")
        assert "Acknowledge" not in str(viewer.query_one(KeyBar).render())
        assert len(viewer.query("#must-acknowledge")) == 0
        await pilot.press("f2")
        await pilot.pause(0.1)
        assert host.answers == [] and host.screen is viewer
        await pilot.press("f10")
        await wait_for(pilot, lambda: host.answers == [False])


async def test_a_version_shown_in_another_language_says_so(
    services: Services, clock: FakeClock
) -> None:
    sop = assembly_sop(services, clock, Language.EN)
    host = Host(SopViewerScreen(Translator(Language.ZH_CN), sop, True))
    async with host.run_test(size=NARROW) as pilot:
        await shown(pilot, host, "fig1.png")
        assert any("其他语言" in str(n.message) for n in host._notifications)


async def test_a_start_held_back_by_a_new_sop_version_opens_it_and_acknowledging_starts(
    config: StationConfig, clock: FakeClock, services: Services
) -> None:
    app = KioskApp(config, clock, lambda: services, tick_seconds=0.05)
    assembly = next(
        t
        for t in services.tasks.open_tasks()
        if t.sop_code == "SOP-ASM-001" and t.status is OperationStatus.PENDING
    )
    async with app.run_test(size=WIDE) as pilot:
        home = await sign_in(pilot, app, "E1003")
        table = home.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(assembly.operation_id))
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SopViewerScreen))
        assert events_of(services, "operation.started") == []
        await pilot.press("f2")  # acknowledge: the start goes through
        await wait_for(pilot, lambda: len(events_of(services, "operation.started")) == 1)
        assert app.screen is home
        [ack] = events_of(services, "sop.acknowledged")
        assert json.loads(ack.payload)["version"] == 2
        assert events_of(services, "operation.started")[0].seq > ack.seq
        # F11 shows the SOP again, now with nothing to acknowledge.
        await pilot.press("f11")
        await wait_for(pilot, lambda: isinstance(app.screen, SopViewerScreen))
        await pilot.press("f2", "f10")
        await wait_for(pilot, lambda: app.screen is home)
        assert len(events_of(services, "sop.acknowledged")) == 1
