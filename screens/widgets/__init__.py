"""Widgets shared by the screens: one widget per module."""
