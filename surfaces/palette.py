"""The app's one vocabulary: how every page names, orders and colours the two losses and the
optimisers. Names come from the language tables (`loss.*`, `opt.*`)."""

from surfaces.i18n import DEFAULT, tr

LOSS_ORDER = ("mse", "cross_entropy")  # MSE first, in every chart, table and sentence
LOSS_COLORS = {"mse": "#e8590c", "cross_entropy": "#2b8a3e"}  # orange, green
OPTIMIZER_ORDER = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")


def loss_name(loss: str, lang: str = DEFAULT) -> str:
    """'mse' -> 'Mean square error' / '均方误差' / '均方誤差'."""
    return tr(f"loss.{loss}", lang)


def optimizer_label(opt: str, lang: str = DEFAULT) -> str:
    """'sgd' -> 'Gradient descent' / '梯度下降' / '梯度下降'."""
    return tr(f"opt.{opt}", lang)


# English names, for code that has no language (the CLI's JSON, logs).
LOSS_NAMES = {loss: loss_name(loss) for loss in LOSS_ORDER}
OPTIMIZER_LABELS = {opt: optimizer_label(opt) for opt in OPTIMIZER_ORDER}
