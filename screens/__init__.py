"""Textual screens and widgets of the station terminal.

Screens talk to the domain services they are given; they never open files, sockets, serial
ports or SQL themselves, and every blocking call runs in a worker thread.
"""
