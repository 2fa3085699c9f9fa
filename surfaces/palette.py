"""How the app names and colours the two losses, the same in every chart and sentence."""

LOSS_NAMES = {"mse": "Mean square error", "cross_entropy": "Cross-entropy"}
LOSS_COLORS = {"mse": "#e8590c", "cross_entropy": "#2b8a3e"}  # orange, green
