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
    "fig.outside": "outside the plot",
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
}
