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
}
