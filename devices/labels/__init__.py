"""Product and box labels: what is on them (templates), how they are drawn (ZPL for thermal
printers, PDF for office printers), and how the bytes reach a printer (transports).

Labels take plain values, never work orders: the app decides what goes on a label.
"""
