"""The names the station gives its input devices; each Scan carries one as its source."""

SCANNER = "scanner"
BADGE_READER = "badge_reader"
KEYBOARD = "keyboard"  # a keyboard-wedge scanner or badge reader, typing into the terminal
