from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.framing import MAX_FRAME, SUFFIXES, Framer

TERMINATORS = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n"}

# Bytes rich in CR and LF, so terminators, CRLF pairs and empty reads all turn up.
streams = st.lists(
    st.one_of(st.binary(max_size=6), st.sampled_from([b"\r", b"\n", b"\r\n", b"\x1d"]))
).map(b"".join)


def feed_chunks(framer: Framer, data: bytes, cuts: list[int], now: float = 0.0) -> list[bytes]:
    frames: list[bytes] = []
    bounds = [0, *sorted(cuts), len(data)]
    for start, end in itertools.pairwise(bounds):
        frames += framer.feed(data[start:end], now)
    return frames


def expected_frames(suffix: str, data: bytes) -> list[bytes]:
    """The reads in `data`, by splitting on the terminator: the model the framer must match."""
    pieces = data.split(TERMINATORS[suffix])[:-1]
    if suffix == "cr":
        pieces = pieces[:1] + [piece.removeprefix(b"\n") for piece in pieces[1:]]
    if suffix == "lf":
        pieces = [piece.removesuffix(b"\r") for piece in pieces]
    return [piece for piece in pieces if piece]


@pytest.mark.parametrize("suffix", ["cr", "lf", "crlf"])
def test_reads_end_at_the_suffix_whatever_the_chunking(suffix: str) -> None:
    end = TERMINATORS[suffix]
    stream = b"]C10109501234567890" + end + b"SN-42" + end + b"LOT\x1d7" + end
    whole = Framer(suffix).feed(stream, 0.0)
    framer = Framer(suffix)
    byte_by_byte = [frame for byte in stream for frame in framer.feed(bytes([byte]), 0.0)]
    assert whole == byte_by_byte == [b"]C10109501234567890", b"SN-42", b"LOT\x1d7"]


def test_a_read_split_across_chunks_waits_for_its_suffix() -> None:
    framer = Framer("crlf")
    assert framer.feed(b"SN-4", 0.0) == []
    assert framer.feed(b"2\r", 0.0) == []
    assert framer.feed(b"\nSN-43\r\nSN", 0.0) == [b"SN-42", b"SN-43"]


def test_empty_reads_are_dropped() -> None:
    assert Framer("cr").feed(b"\r\rA\r\r", 0.0) == [b"A"]
    assert Framer("lf").feed(b"\n\nA\n\n", 0.0) == [b"A"]
    assert Framer("crlf").feed(b"\r\n\r\nA\r\n", 0.0) == [b"A"]


def test_a_crlf_device_read_in_cr_or_lf_mode_leaves_no_stray_byte() -> None:
    framer = Framer("cr")
    # The LF of the pair may arrive in the next chunk: it still belongs to the suffix.
    assert framer.feed(b"A\r", 0.0) == [b"A"]
    assert framer.feed(b"\nB\r\n", 0.0) == [b"B"]
    assert Framer("lf").feed(b"A\r\n\r\nB\r\n", 0.0) == [b"A", b"B"]


def test_crlf_mode_is_exact() -> None:
    # A lone CR or LF is data there, not a suffix.
    assert Framer("crlf").feed(b"A\rB\nC\r\n", 0.0) == [b"A\rB\nC"]


def test_a_read_without_suffix_is_cut_at_the_cap() -> None:
    framer = Framer("cr", max_frame=4)
    assert framer.feed(b"ABCDEFGHIJ", 0.0) == [b"ABCD", b"EFGH"]
    assert framer.feed(b"\r", 0.0) == [b"IJ"]
    assert Framer("cr").feed(b"x" * (MAX_FRAME * 2 + 1), 0.0) == [b"x" * MAX_FRAME] * 2


def test_without_suffix_a_read_ends_after_a_silence() -> None:
    framer = Framer("none", gap_seconds=0.05)
    assert framer.feed(b"SN-", 10.0) == []
    assert framer.feed(b"42", 10.04) == []
    assert framer.poll(10.08) == []
    assert framer.poll(10.09) == [b"SN-42"]
    assert framer.poll(10.5) == []
    # A new read after a silence first closes the one before, even without a poll between.
    assert framer.feed(b"A", 11.0) == []
    assert framer.feed(b"B", 11.2) == [b"A"]
    assert framer.poll(11.25) == [b"B"]


def test_reset_forgets_a_partial_read() -> None:
    framer = Framer("cr")
    framer.feed(b"SN-4", 0.0)
    framer.reset()
    assert framer.feed(b"SN-43\r", 0.0) == [b"SN-43"]


def test_a_wrong_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown suffix 'tab'"):
        Framer("tab")
    with pytest.raises(ValueError, match="positive"):
        Framer("none", gap_seconds=0)


@given(
    suffix=st.sampled_from(["cr", "lf", "crlf"]),
    data=streams,
    cuts=st.lists(st.integers(min_value=0, max_value=400)),
)
def test_any_bytes_any_chunking_split_as_on_the_terminator(
    suffix: str, data: bytes, cuts: list[int]
) -> None:
    # Ending with a terminator completes the last read, so nothing is left pending.
    stream = data + TERMINATORS[suffix]
    cuts = [cut for cut in cuts if cut <= len(stream)]
    assert feed_chunks(Framer(suffix), stream, cuts) == expected_frames(suffix, stream)


@given(
    suffix=st.sampled_from(SUFFIXES),
    data=streams,
    cuts=st.lists(st.integers(min_value=0, max_value=400)),
    max_frame=st.integers(min_value=1, max_value=8),
)
def test_with_a_small_cap_chunking_still_changes_nothing(
    suffix: str, data: bytes, cuts: list[int], max_frame: int
) -> None:
    cuts = [cut for cut in cuts if cut <= len(data)]
    whole = Framer(suffix, max_frame=max_frame)
    chunked = Framer(suffix, max_frame=max_frame)
    frames = whole.feed(data, 0.0)
    assert feed_chunks(chunked, data, cuts) == frames
    assert all(0 < len(frame) <= max_frame for frame in frames)
    assert whole.poll(1.0) == chunked.poll(1.0)


@given(
    data=streams,
    cuts=st.lists(st.integers(min_value=0, max_value=400)),
    gaps=st.lists(st.floats(min_value=0, max_value=0.2)),
    max_frame=st.integers(min_value=1, max_value=MAX_FRAME),
)
def test_without_suffix_the_reads_put_together_are_the_input(
    data: bytes, cuts: list[int], gaps: list[float], max_frame: int
) -> None:
    framer = Framer("none", gap_seconds=0.05, max_frame=max_frame)
    bounds = [0, *sorted(cut for cut in cuts if cut <= len(data)), len(data)]
    now, frames = 0.0, list[bytes]()
    for index, (start, end) in enumerate(itertools.pairwise(bounds)):
        now += gaps[index] if index < len(gaps) else 0.0
        frames += framer.feed(data[start:end], now) + framer.poll(now)
    frames += framer.poll(now + 1.0)
    assert b"".join(frames) == data
    assert all(0 < len(frame) <= max_frame for frame in frames)
