"""Device drivers (scanners, badge readers, printers) and their simulators.

Device code knows bytes and symbologies, never work orders: it hands the app what a device
read and nothing more.
"""
