"""The names the station gives its input devices; each Scan carries one as its source."""

SCANNER = "scanner"
BADGE_READER = "badge_reader"
GAUGE = "gauge"  # a measuring gauge's data cable: each frame is one reading
KEYBOARD = "keyboard"  # a keyboard-wedge scanner or badge reader, typing into the terminal
