"""Exercise checks for the labs, one module per unit (``unit00``, ``unit01``, ...)."""
