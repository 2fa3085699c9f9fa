"""The notes-style PyTorch program for a TrainConfig: nn.Sequential, the loss, torch.optim.

What the page's code expander shows, runnable as it is (tests/unit/test_mnist_code.py runs it
for a few steps): one plain run per loss, from the same seed, in the loop style of the
softmax-regression notes. It loads the images with this project's loader (full MNIST, else the
offline subset); with torchvision one would use torchvision.datasets.MNIST instead.
"""

from __future__ import annotations

from surfaces.mnist.config import TrainConfig
from surfaces.mnist.models import HIDDEN

_TEMPLATE = '''\
import torch
from torch import nn

from surfaces.mnist.data import load_dataset

STEPS, BATCH_SIZE, LR, SEED = {steps}, {batch_size}, {lr!r}, {seed}
data = load_dataset(download=False)  # x: (N, 784) floats in [0, 1], y: (N,) digits
train = torch.utils.data.TensorDataset(data.x_train, data.y_train)


def mse_on_softmax(logits, y):
    """The lecture's MSE: sum over classes of (softmax - one-hot)^2, mean over the batch."""
    target = nn.functional.one_hot(y, 10).float()
    return ((torch.softmax(logits, dim=1) - target) ** 2).sum(dim=1).mean()


def make_net():
    torch.manual_seed(SEED)  # the same initial weights for both losses
    net = nn.Sequential(
{layers}
    )
{init}    return net


for name, loss_fn in [("cross-entropy", nn.CrossEntropyLoss()), ("MSE", mse_on_softmax)]:
    net = make_net()
    optimizer = torch.optim.{optimizer}(net.parameters(), lr=LR)
    loader = torch.utils.data.DataLoader(train, batch_size=BATCH_SIZE, shuffle=True,
                                         generator=torch.Generator().manual_seed(SEED))
    step = 0
    while step < STEPS:
        for x, y in loader:
            loss = loss_fn(net(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            if step == STEPS:
                break
    with torch.no_grad():
        accuracy = (net(data.x_test).argmax(dim=1) == data.y_test).float().mean().item()
    print(f"{{name}}: test accuracy {{accuracy:.3f}} after {{STEPS}} steps")
'''


def notes_code(config: TrainConfig) -> str:
    """The program for config (a string of Python that runs as it is)."""
    sizes = (784, *HIDDEN[config.model], 10)
    activation = "nn.ReLU()" if config.activation == "relu" else "nn.Sigmoid()"
    layers = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(f"        nn.Linear({n_in}, {n_out}),")
        if k < len(sizes) - 2:
            layers.append(f"        {activation},")
    if config.init == "normal":
        init = (
            "    for layer in net:\n"
            "        if isinstance(layer, nn.Linear):  # the notes: W ~ N(0, "
            f"{config.init_scale:g}^2), b = 0\n"
            f"            nn.init.normal_(layer.weight, std={config.init_scale!r})\n"
            "            nn.init.zeros_(layer.bias)\n"
        )
    else:
        init = "    # nn.Linear's own initialisation: U(-1/sqrt(in), 1/sqrt(in))\n"
    return _TEMPLATE.format(
        steps=config.steps,
        batch_size=config.batch_size,
        lr=config.lr,
        seed=config.seed,
        layers="\n".join(layers),
        init=init,
        optimizer="SGD" if config.optimizer == "sgd" else "Adam",
    )
