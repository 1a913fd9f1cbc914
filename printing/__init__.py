"""Documents (acuse, orden de pago / recibo; carta and 80 mm ticket) and printer dispatch."""
