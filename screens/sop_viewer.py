"""The SOP of an operation, read with keys only: arrows and pages scroll, / or F3 finds.

A terminal cannot show the drawings an SOP refers to, so each image reads as its caption
and file name, for the operator to find it in the binder. A table too wide for the terminal
reads as one item per row ("Torque: 0.5 N·m"): squeezed columns would break a value such as
a torque over several lines. When the version is new to the person, F2 acknowledges it;
closing answers False, so only that key counts as read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Markdown, Static

from kiosk.i18n import Translator
from kiosk.sop_values import SopView
from screens.widgets.key_bar import KeyBar

# Keys that scroll the text while the search box has the focus (it has no use for them).
_SCROLL_KEYS = {
    "up": "scroll_up",
    "down": "scroll_down",
    "pageup": "page_up",
    "pagedown": "page_down",
}
_MARGINS = 3  # columns the text does not get: its padding and the scrollbar


class SopViewerScreen(ModalScreen[bool]):
    """Answers True when the person acknowledged the version shown (F2), else False."""

    BINDINGS = [
        Binding("f2", "acknowledge", "key.acknowledge", key_display="F2"),
        Binding("f3", "search", "key.search", key_display="F3"),
        Binding("slash", "search", show=False),
        Binding("f10", "close", "key.close", key_display="F10"),
        Binding("escape", "escape", show=False),
        *(
            Binding(key, f"scroll_body('{action}')", show=False)
            for key, action in _SCROLL_KEYS.items()
        ),
    ]
    DEFAULT_CSS = """
    SopViewerScreen > Vertical { width: 100%; height: 100%; background: $surface; }
    SopViewerScreen #heading { width: 100%; padding: 0 1; text-style: bold; }
    SopViewerScreen #must-acknowledge {
        width: 100%; padding: 0 1; background: $warning; color: $text; text-style: bold;
    }
    SopViewerScreen #body { height: 1fr; scrollbar-size-vertical: 1; }
    SopViewerScreen Markdown { padding: 0 1; }
    SopViewerScreen MarkdownHeader { margin: 1 0 0 0; }
    SopViewerScreen MarkdownH1 { margin: 0; }
    SopViewerScreen Markdown .-match { background: $accent 50%; }
    SopViewerScreen #search { height: 1; display: none; }
    SopViewerScreen.-searching #search { display: block; }
    SopViewerScreen #search Label { width: auto; padding: 0 1; }
    SopViewerScreen #query { width: 1fr; }
    """

    def __init__(self, tr: Translator, sop: SopView, needs_acknowledgement: bool) -> None:
        super().__init__()
        self._tr = tr
        self._sop = sop
        self._needs_acknowledgement = needs_acknowledgement
        self._table_widths: list[int] = []  # of the document's tables, as tables
        self._tables_fit: list[bool] = []  # which were shown as tables at the last rendering
        self._query = ""  # what the matches below were found for
        self._matches: list[Static] = []
        self._at = -1  # index of the match shown

    def compose(self) -> ComposeResult:
        sop = self._sop
        with Vertical():
            heading = self._tr(
                "sop.heading",
                code=sop.code,
                version=sop.version,
                title=sop.title,
                date=sop.effective_from.isoformat(),
            )
            yield Label(heading, id="heading", markup=False)
            if self._needs_acknowledgement:
                yield Label(self._tr("sop.must_acknowledge"), id="must-acknowledge")
            with VerticalScroll(id="body"):
                yield Markdown(sop.body, parser_factory=self._parser, open_links=False)
            with Horizontal(id="search"):
                yield Label(self._tr("key.search"))
                placeholder = self._tr("sop.search_placeholder")
                yield Input(placeholder=placeholder, id="query", compact=True)
                yield Label("", id="matches")
            yield KeyBar(self._tr)

    def on_mount(self) -> None:
        self.query_one("#body").focus()
        if self._sop.language != self._tr.language:
            self.notify(self._tr("sop.other_language"), severity="warning", timeout=8)

    def on_resize(self, event: events.Resize) -> None:
        fit = [width <= event.size.width - _MARGINS for width in self._table_widths]
        if fit != self._tables_fit:
            self._forget_matches()  # they are widgets of the rendering being replaced
            self.query_one(Markdown).update(self._sop.body)

    # Rendering: the Markdown parser, adapted to the terminal.

    def _parser(self) -> MarkdownIt:
        # The width is read here, on the app's thread: the document is parsed on another one.
        parser = MarkdownIt("gfm-like")
        parser.core.ruler.push("sop_station", partial(self._adapt, self.app.size.width - _MARGINS))
        return parser

    def _adapt(self, room: int, state: StateCore) -> None:
        self._table_widths, self._tables_fit = [], []
        tokens: list[Token] = []
        for table in _split_tables(state.tokens):
            if table[0].type != "table_open":
                tokens += table
                continue
            width = _table_width(table)
            self._table_widths.append(width)
            self._tables_fit.append(width <= room)
            tokens += table if width <= room else _table_as_list(table)
        for token in tokens:
            if token.type == "inline" and token.children is not None:
                token.children = [*self._figures(token.children)]
        state.tokens = tokens

    def _figures(self, children: Iterable[Token]) -> Iterator[Token]:
        """Images become their caption and file name, in italics, instead of an icon."""
        for child in children:
            if child.type != "image":
                yield child
                continue
            src = str(child.attrs.get("src", ""))
            caption = _plain(child.children or ()).strip() or src
            yield Token("em_open", "em", 1)
            yield Token("text", "", 0, content=self._tr("sop.figure", caption=caption, src=src))
            yield Token("em_close", "em", -1)

    # Keys.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge":
            return self._needs_acknowledgement  # not shown at all when nothing is to be read
        return True

    def action_acknowledge(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)

    def action_escape(self) -> None:
        if self.has_class("-searching"):
            self.remove_class("-searching")
            self.query_one("#body").focus()
        else:
            self.dismiss(False)

    def action_search(self) -> None:
        query = self.query_one("#query", Input)
        if self.has_class("-searching") and query.value.strip():
            self._find_next(query.value)  # F3 again: the next match, as in most viewers
        else:
            self.add_class("-searching")
            query.focus()

    async def action_scroll_body(self, action: str) -> None:
        await self.query_one("#body", VerticalScroll).run_action(action)

    # Search: block by block, in reading order; the block found is highlighted.

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._find_next(event.value)

    def _find_next(self, text: str) -> None:
        """Go to the next block holding `text` (in any case), round to the first again."""
        wanted = text.strip().casefold()
        if wanted != self._query:
            self._forget_matches()
            self._query = wanted
            if wanted:
                self._matches = [b for b in self._blocks() if wanted in _text(b).casefold()]
        matches = self.query_one("#matches", Label)
        if not self._matches:
            matches.update(self._tr("sop.not_found") if wanted else "")
            if wanted:
                self.app.bell()
            return
        if self._at >= 0:
            self._matches[self._at].remove_class("-match")
        self._at = (self._at + 1) % len(self._matches)
        block = self._matches[self._at]
        block.add_class("-match")
        self.query_one("#body").scroll_to_center(block, animate=False, immediate=True)
        matches.update(self._tr("sop.found", index=self._at + 1, count=len(self._matches)))

    def _forget_matches(self) -> None:
        for block in self._matches:
            block.remove_class("-match")
        self._query, self._matches, self._at = "", [], -1
        self.query_one("#matches", Label).update("")

    def _blocks(self) -> list[Static]:
        """The rendered pieces of text in reading order: headings, paragraphs, table cells."""
        return [block for block in self.query_one(Markdown).query(Static) if _text(block)]


def _text(block: Static) -> str:
    content = block.content
    return content.plain if isinstance(content, Content) else ""


def _plain(tokens: Iterable[Token]) -> str:
    return "".join(token.content for token in tokens if token.type in ("text", "code_inline"))


def _split_tables(tokens: list[Token]) -> Iterator[list[Token]]:
    """The tokens in runs: each table whole (table_open to table_close), the rest one by one."""
    table: list[Token] = []
    for token in tokens:
        if token.type == "table_open" or table:
            table.append(token)
            if token.type == "table_close":
                yield table
                table = []
        else:
            yield [token]


def _rows(table: list[Token]) -> list[list[Token]]:
    """The inline token of each cell, row by row; the header row first."""
    rows: list[list[Token]] = []
    for token in table:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline":
            rows[-1].append(token)
    return rows


def _table_width(table: list[Token]) -> int:
    """Columns the table needs to show every cell on one line: text, padding, rules."""
    widths: dict[int, int] = {}
    for row in _rows(table):
        for column, cell in enumerate(row):
            widths[column] = max(widths.get(column, 0), cell_len(_plain(cell.children or ())))
    return sum(width + 3 for width in widths.values()) + 1


def _table_as_list(table: list[Token]) -> list[Token]:
    """A bullet per body row, one "header: value" line per cell."""
    header, *body = _rows(table)
    names = [_plain(cell.children or ()).strip() for cell in header]
    level = table[0].level
    tokens = [Token("bullet_list_open", "ul", 1, level=level)]
    for row in body:
        children: list[Token] = []
        for column, cell in enumerate(row):
            if children:
                children.append(Token("hardbreak", "br", 0))
            name = names[column] if column < len(names) else ""
            if name:
                children += [
                    Token("strong_open", "strong", 1),
                    Token("text", "", 0, content=f"{name}: "),
                    Token("strong_close", "strong", -1),
                ]
            children += cell.children or ()
        tokens += [
            Token("list_item_open", "li", 1, level=level + 1),
            Token("paragraph_open", "p", 1, level=level + 2),
            Token("inline", "", 0, level=level + 3, children=children),
            Token("paragraph_close", "p", -1, level=level + 2),
            Token("list_item_close", "li", -1, level=level + 1),
        ]
    tokens.append(Token("bullet_list_close", "ul", -1, level=level))
    return tokens
