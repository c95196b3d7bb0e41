"""What a scanned barcode means: GS1 labels, supplier labels, serial numbers, badges, commands.

Kept light on purpose: `kiosk.config` imports `kiosk.barcodes.formats`, so nothing here may
load biip (about 200 ms) before the first screen; `kiosk.barcodes.gs1` imports it on first use.
"""
