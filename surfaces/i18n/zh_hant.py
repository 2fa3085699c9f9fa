"""繁體中文：訪客讀到的每一句話。鍵與 en.py 相同；見 surfaces/i18n。"""

STRINGS: dict[str, str] = {
    # --- 應用：導航、語言、錯誤 -------------------------------------------------------------
    "app.name": "誤差曲面實驗室",
    "app.page.lab": "誤差曲面實驗",
    "app.page.mnist": "MNIST 即時訓練",
    "app.language": "語言",
    "app.error": "繪製頁面的這一部分時出了問題。請移動一個滑塊或重新整理頁面重試；詳細資訊記錄在伺服器日誌中。",
    # --- 共用詞彙 ----------------------------------------------------------------------------
    "loss.mse": "均方誤差",
    "loss.cross_entropy": "交叉熵",
    "loss.mse.short": "均方誤差",
    "loss.cross_entropy.short": "交叉熵",
    "opt.sgd": "梯度下降",
    "opt.momentum": "SGD + 動量",
    "opt.nesterov": "Nesterov 動量",
    "opt.adagrad": "Adagrad",
    "opt.rmsprop": "RMSprop",
    "opt.adam": "Adam",
    # --- 鏈接中的錯誤設置 --------------------------------------------------------------------
    "note.one": "此鏈接有一個設置無效，已修正：{notes}",
    "note.many": "此鏈接有多個設置無效，已修正：{notes}",
    "note.invalid": "{field}={raw!r} 無效；改用 {used}。",
    "note.out_of_range": "{field}={raw} 超出範圍；改用 {used}。",
    "note.not_offered": "{field}={raw} 不在可選值中；改用 {used}。",
    "note.unknown": "{field}={raw!r} 未知；改用 {used}。",
    "note.value": "{field} 收到了不能接受的值（{raw}）；改用 {used}。",
    # --- 誤差曲面實驗 ------------------------------------------------------------------------
    "lab.title": "誤差曲面實驗：均方誤差與交叉熵",
    "lab.caption": "一個三分類 softmax：logits y1、y2 在網格上掃描，y3 固定。兩個誤差曲面，"
                   "以及從同一點出發、在兩者上運行的同一個優化器。",
    "lab.group.surface": "曲面",
    "lab.group.descent": "下降",
    "lab.group.display": "顯示",
    "lab.class": "第 {c} 類",
    "lab.field.target": "目標類別",
    "lab.field.target.help": "one-hot 標籤 ŷ：第 1 類是 [1, 0, 0]。",
    "lab.field.y3": "固定的 logit y3",
    "lab.field.y3.help": "y3 = -1000 時第 3 類的概率為 0，損失只取決於 y1 - y2。",
    "lab.field.span": "logit 範圍 ±",
    "lab.field.span.help": "y1 和 y2 在 [-span, span] 上掃描。",
    "lab.field.res": "每個軸的網格點數",
    "lab.field.res.help": "點越多，曲面越平滑，傳給瀏覽器的資料也越多。",
    "lab.field.y1": "起點 y1",
    "lab.field.y1.help": "下降的起點（課上：左上角）。",
    "lab.field.y2": "起點 y2",
    "lab.field.opt": "優化器",
    "lab.field.opt.help": "真正的 torch.optim 類，用在兩個損失上。",
    "lab.field.lr": "學習率",
    "lab.field.steps": "步數",
    "lab.field.momentum": "動量",
    "lab.field.beta1": "Adam β1",
    "lab.field.beta2": "Adam β2",
    "lab.field.alpha": "RMSprop α（平滑係數）",
    "lab.field.eps": "ε（自適應方法）",
    "lab.field.eps.help": "加在梯度的均方根上；若它大於平臺區的梯度（約 1e-7），Adam 就救不了均方誤差。",
    "lab.field.thr": "損失閾值",
    "lab.field.thr.help": "用於表格中的“到達所需步數”。",
    "lab.field.projector": "投影模式",
    "lab.field.projector.help": "大字號、粗線條。",
    "lab.field.cam": "3D 視角",
    "lab.preset.slide.title": "課件上的那張圖",
    "lab.preset.slide.story": "從左上角開始的普通梯度下降：均方誤差整個過程都停在平臺上，"
                              "交叉熵一路走到低處的角落。",
    "lab.preset.adam.title": "Adam 救了均方誤差",
    "lab.preset.adam.story": "Adam 把每一步除以梯度的滑動均方根，所以平臺上極小的均方誤差梯度"
                             "也能走出正常大小的步子。",
    "lab.preset.too_large.title": "學習率太大",
    "lab.preset.too_large.story": "一步太大，交叉熵的 logits 在一次更新中就越過 ±10,000：這次運行"
                                  "被標為發散。在真實網絡中，這樣的 logits 會溢出成 inf 和 NaN。",
    "lab.preset.unpin.title": "放開 y3",
    "lab.preset.unpin.story": "y3 = 0 時第三類也參與競爭：曲面不再只是 y1 - y2 的函數，路徑會彎曲。",
    # 圖
    "fig.from_above": "{name}（俯視）",
    "fig.loss": "損失",
    "fig.step": "步",
    "fig.loss_per_step": "每一步的損失",
    "fig.grad_per_step": "每一步的梯度範數",
    "fig.path": "{name} 路徑",
    "fig.start": "起點",
    "fig.end": "終點",
    "fig.left_plot": "第 {k} 步離開圖面",
    "fig.outside": "圖面之外",
    "fig.left_plot_name": "離開圖面",
    "fig.threshold": "閾值 {thr}",
    "fig.diverged": "{name} 發散",
    "fig.hover_surface": "y1 %{{x:.2f}}<br>y2 %{{y:.2f}}<br>損失 %{{z:.4g}}<extra></extra>",
    "fig.hover_path": "第 %{{customdata[0]}} 步<br>y1 %{{customdata[1]:.4g}}<br>"
                      "y2 %{{customdata[2]:.4g}}<br>損失 %{{customdata[3]:.4g}}<extra>{name}"
                      "</extra>",
    # 彙總表
    "lab.table.loss": "損失",
    "lab.table.steps_to": "損失 ≤ {thr} 所需步數",
    "lab.table.never": "{steps} 步內從未到達",
    "lab.table.final_loss": "最終損失",
    "lab.table.final_point": "終點 (y1, y2)",
    "lab.table.diverged": "發散",
    "lab.table.left": "離開圖面",
    "lab.table.no": "否",
    "lab.table.at_step": "第 {k} 步",
    # 課上對當前畫面的解讀（surfaces/story.py）
    "story.diverged": "**{loss}** 在第 {k} 步發散：logits 超出了 ±10,000（以 ✕ 標出）。",
    "story.reached": "**{loss}** 在 {k} 步後到達損失 ≤ {thr}。",
    "story.stuck": "**{loss}** 沒有移動：走完全部 {steps} 步後損失仍為 {value}（卡在平臺上）。",
    "story.went": "**{loss}** 在 {steps} 步內從損失 {start} 降到 {end}，始終沒有到達 {thr}。",
    "story.seeing.title": "#### 你看到的是什麼",
    "story.seeing": "正方形中的每一點都是一個網絡輸出 y = (y1, y2, y3)，其中 y3 = {y3}；標籤是"
                    "第 {t} 類，ŷ = {onehot}。紅色表示損失大，藍色表示損失小；每個損失的曲面和"
                    "俯視圖共用一個色標。",
    "story.pinned": "**y3 固定在 {y3}**，所以 y3' = exp(y3)/Σ exp(y) 幾乎為 0，兩個損失都**只取決於 "
                    "d = y{a} − y{b}**：交叉熵是 ln(1 + e^(−d))，均方誤差是 2·(1 − σ(d))²。只依賴 d "
                    "的函數，其梯度平行於 (∂d/∂y1, ∂d/∂y2) = {direction}，所以**每條下降路徑都是"
                    "一條筆直的對角線**——就是課上的那個箭頭——無論用哪個優化器（逐元素的優化器"
                    "讓兩個座標的步長大小相等、方向相反）。",
    "story.pinned_class3": "標籤是第 3 類，但 y3 固定在 {y3}：圖中任何 (y1, y2) 都無法給第 3 類任何"
                           "概率。交叉熵處處約為 −y3 + logsumexp(y1, y2) ≈ {minus_y3}，它是有限的，"
                           "因為它按 logsumexp(y) − y_t 計算（樸素的 log(softmax) 在這裡會得到 "
                           "−log(0) = inf）。",
    "story.unpinned": "**y3 = {y3} 沒有被固定在遠處**：第 3 類參與概率的競爭，曲面分別依賴 y1 和 "
                      "y2，路徑可以彎曲。",
    "story.why.title": "#### 為什麼兩個損失表現不同",
    "story.why": "經過 softmax，交叉熵的梯度是 ∂e/∂y_i = y'_i − ŷ_i：離目標越遠，梯度越大。均方誤差"
                 "的梯度含有 softmax 的雅可比矩陣 y'_i(δ_ij − y'_j)，softmax 飽和時它趨於 0——即使"
                 "預測完全錯誤。在起點 ({y1}, {y2})，梯度範數**交叉熵為 {g_ce}，均方誤差為 "
                 "{g_mse}**{ratio}",
    "story.ratio": "，小了 {ratio} 倍。",
    "story.run.title": "#### 本次運行：{opt}，學習率 {lr}",
    "story.rescue": "{opt} 把每一步除以梯度的滑動均方根（加上 ε），所以一個很小但方向一致的梯度"
                    "仍能走出約等於學習率的步長：自適應優化器就是這樣救了均方誤差。",
    "story.rescue_fails": "ε = {eps} 大於平臺區的梯度，所以這次救不了。",
    "story.moral": "第 {c1} 類和第 {c2} 類是錯誤答案；只改變損失函數，就改變了優化的難度。",
}

# --- 投影片之外的頁面（issue 10）---------------------------------------------------------
STRINGS.update({
    "lab.beyond": "投影片之外：這些設定下每個起點的[逃離圖]({escape})，這個起點的[梯度解剖]({anatomy})，以及[概率單純形]({simplex})上的同樣路徑。",
    "app.page.escape": "逃離圖",
    "app.page.anatomy": "梯度解剖",
    "app.page.simplex": "概率單純形",
    "app.page.logistic": "一維邏輯回歸",
    "app.page.rates": "學習率",
    # 逃離圖
    "escape.title": "逃離圖：哪些起點能走出來？",
    "escape.caption": "正方形上的每個起點都運行同一個優化器；每個點按其損失首次低於閾值的步數著色。"
                      "灰色：在步數預算內從未低於閾值。",
    "escape.group.square": "正方形",
    "escape.group.descent": "下降",
    "escape.group.start": "在實驗中打開的起點",
    "escape.computing": "正在為每個損失運行 {n} 個起點…",
    "escape.share": "在 {steps} 步之內，使用均方誤差時有 **{mse}** 的起點的損失降到 {thr} 以下，"
                    "使用交叉熵時有 **{ce}**。",
    "escape.at_start": "{loss} 從 ({y1}, {y2}) 出發：{result}",
    "escape.never": "從未",
    "escape.at_step": "第 {k} 步",
    "escape.open_lab": "[用這些設置打開誤差曲面實驗]({url})",
    "escape.how": "所有起點同時運行：一個 torch.optim 優化器作用在每個起點佔一行的張量上"
                  "（優化器逐元素更新，所以每一行都與實驗中從該起點出發的運行完全相同）。",
    "escape.hover": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>首次低於閾值的步數 %{{customdata}}"
                    "（−1：從未）<extra></extra>",
    "escape.field.steps.help": "步數預算：到那時損失仍未低於閾值的起點顯示為灰色。",
    "escape.field.thr.help": "起點的損失一旦低於此值即算逃離。",
    "escape.preset.slide.title": "投影片",
    "escape.preset.slide.story": "梯度下降，學習率 1：交叉熵從任何地方都能走出來；均方誤差左上方的整片平臺一直是灰色。",
    "escape.preset.adam.title": "Adam 拯救均方誤差",
    "escape.preset.adam.story": "Adam 把平臺上微小的梯度放大：均方誤差的大部分灰色區域都能逃離，只是比交叉熵慢。",
    "escape.preset.unpin.title": "放開 y3",
    "escape.preset.unpin.story": "y3 = 0 時第三類參與競爭，逃離圖不再沿對角線呈條紋狀。",
    # 梯度解剖
    "anatomy.title": "梯度解剖：是哪個因子消失了？",
    "anatomy.caption": "每個損失的梯度在正方形上的大小、在某一點上拆開的均方誤差梯度，以及樸素的 "
                       "log(softmax) 會發生什麼。",
    "anatomy.group.point": "要拆開的點",
    "anatomy.group.naive": "樸素交叉熵",
    "anatomy.field.frac": "停滯比例",
    "anatomy.field.frac.help": "停滯區：均方誤差的梯度小於交叉熵梯度的這個比例的地方。",
    "anatomy.field.naive": "樸素的 log(softmax(y))",
    "anatomy.field.naive.help": "不減去最大值直接計算交叉熵，如同 torch.log(torch.softmax(y)) 再接 NLL。",
    "anatomy.field.f32": "單精度 float32",
    "anatomy.field.f32.help": "單精度，大多數訓練使用的精度。",
    "anatomy.preset.slide.title": "投影片的角落",
    "anatomy.preset.slide.story": "在 (−8, 8) 預測錯得不能再錯，均方誤差的梯度卻極小：softmax 的雅可比矩陣消失了。",
    "anatomy.preset.class3.title": "樸素形式，第 3 類",
    "anatomy.preset.class3.story": "目標為第 3 類且 y3 = −1000：樸素損失處處為 log 0 = −inf；穩定形式是有限的（約 1000）。",
    "anatomy.preset.unpin.title": "樸素形式，y3 = 0",
    "anatomy.preset.unpin.story": "y3 = 0 時在這個正方形上沒有概率下溢：樸素形式在這裡處處有定義。",
    "anatomy.h.norms": "每個梯度有多大？",
    "anatomy.stall_share": "虛線圍出停滯區，即均方誤差的梯度小於交叉熵梯度的 {frac} 倍的地方：佔正方形的 **{share}**。",
    "anatomy.h.point": "均方誤差在 ({y1}, {y2}) 的梯度，逐個因子",
    "anatomy.numbers": "softmax 輸出 y' = {p}  \n誤差 y' − ŷ = {err}  \nsoftmax 雅可比矩陣 J（按行）= {jac}  \n"
                       "均方誤差梯度 J (2 (y' − ŷ)) = {g_mse}  \n交叉熵梯度 y' − ŷ = {g_ce}",
    "anatomy.reading.jacobian": "誤差很大（{err}），但雅可比矩陣的範數只有 {jac}：**消失的是 softmax 的雅可比矩陣**，"
                                "所以均方誤差幾乎沒有梯度，而交叉熵的梯度就是誤差本身。",
    "anatomy.reading.error": "這裡小的是誤差（{err}），雅可比矩陣的範數為 {jac}：預測已接近目標，兩個梯度都小是合理的。",
    "anatomy.h.naive": "穩定的還是樸素的交叉熵",
    "anatomy.naive_reading": "樸素形式：損失在正方形的 **{loss}** 上無定義（inf），梯度在 **{grad}** 上無定義（nan）。"
                             "概率下溢為 0 的類別給出 log 0 = −inf；它的反向傳播是 0/0 = nan，並傳到每一個 logit。",
    "anatomy.hover_norm": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>log10 |∇| %{{z:.3g}}<extra></extra>",
    "anatomy.stall": "停滯區",
    "anatomy.point": "點",
    "anatomy.bar.error": "誤差 |2(y' − ŷ)|",
    "anatomy.bar.jacobian": "雅可比矩陣 ‖J‖",
    "anatomy.bar.grad_mse": "均方誤差梯度",
    "anatomy.bar.grad_ce": "交叉熵梯度",
    "anatomy.bar.axis": "大小（對數刻度）",
    "anatomy.hover_loss": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>損失 %{{z:.4g}}<extra></extra>",
    "anatomy.naive_title": "樸素交叉熵：−log(softmax(y))[t]",
    "anatomy.stable_title": "穩定交叉熵：logsumexp(y) − y_t",
    "anatomy.undefined": "無定義",
    "anatomy.hover_undefined": "y1 %{{x:.3g}}<br>y2 %{{y:.3g}}<br>無定義：inf 或 nan<extra></extra>",
    "anatomy.undefined_note": "灰色：無定義（inf 或 nan），佔正方形的 {share}",
    # 單純形
    "simplex.title": "概率單純形",
    "simplex.caption": "正方形上的每個點都是一個 softmax 輸出 (y1', y2', y3')，且 y1' + y2' + y3' = 1："
                       "即這個三角形上的一點。顏色：該點的損失。",
    "simplex.preset.pinned.title": "固定 y3",
    "simplex.preset.pinned.story": "y3 = −1000：處處 y3' = 0，所以整個正方形都落在第 1 類與第 2 類之間的那條邊上。",
    "simplex.preset.unpin.title": "放開 y3",
    "simplex.preset.unpin.story": "y3 = 0：第 3 類獲得概率，正方形展開到三角形內部，路徑離開那條邊。",
    "simplex.edge_all": "y3 = {y3} 時，**正方形的每個點都落在三角形的一條邊上**（y3' = 0）：講義中的圖其實是一維的。",
    "simplex.edge_some": "y3 = {y3} 時，正方形的 {share} 落在 y3' = 0 的邊上；其餘部分展開到三角形內部。",
    "simplex.reading": "下降把輸出推向目標類別的頂點。在錯誤的頂點附近點擠在一起：logits 的大幅移動幾乎不改變概率，"
                       "這正是均方誤差在那裡梯度很小的原因。",
    "simplex.hover": "y1' %{{a:.3f}}<br>y2' %{{b:.3f}}<br>y3' %{{c:.3f}}<br>損失 %{{customdata:.4g}}<extra></extra>",
    "simplex.axis": "第 {c} 類",
    # 一維視角
    "logistic.title": "一維視角：只有一個權重的邏輯回歸",
    "logistic.caption": "來自筆記（seed 001）：在十個點上 f(x) = σ(w x)。總損失對權重作圖，如講義中的圖："
                        "交叉熵為黑色、平方誤差為紅色，並在兩者上各做一次梯度下降。",
    "logistic.group": "下降",
    "logistic.field.w0": "起始 w",
    "logistic.field.lr": "學習率",
    "logistic.field.steps": "步數",
    "logistic.field.wspan": "權重範圍 ±",
    "logistic.panel.loss": "總損失",
    "logistic.panel.grad": "梯度 dL/dw",
    "logistic.cross_entropy": "交叉熵",
    "logistic.square_error": "平方誤差",
    "logistic.descent": "{name}：梯度下降",
    "logistic.axis.loss": "總損失",
    "logistic.reading": "在 w = {w0} 處，交叉熵的斜率為 **{ce}**，平方誤差的斜率為 **{se}**：離最優點很遠時平方誤差是平的，"
                        "更新極小，而且沒有一個學習率能同時適合遠處和近處。",
    "logistic.result": "{name}：{steps} 步後 w = {w}，損失 {loss}（最優 {best}）",
    "logistic.data": "資料：x = {x}；標簽 ŷ = {y}。",
    # 學習率
    "rates.title": "學習率",
    "rates.caption": "在筆記的一維問題上，幾個學習率下損失隨更新次數的變化；然後是自適應學習率和特徵縮放。",
    "rates.group.rates": "學習率",
    "rates.group.quadratic": "狹長的二次函數",
    "rates.field.w0": "起始 w",
    "rates.field.steps": "更新次數",
    "rates.field.lr1": "學習率 1",
    "rates.field.lr2": "學習率 2",
    "rates.field.lr3": "學習率 3",
    "rates.field.lr4": "學習率 4",
    "rates.field.s2": "特徵 2 的尺度",
    "rates.field.s2.help": "特徵 2 的數值是特徵 1 的這麼多倍：誤差曲面沿 w2 方向陡這麼多倍。",
    "rates.field.qlr": "梯度下降的學習率",
    "rates.field.alr": "Adagrad 的學習率",
    "rates.field.qsteps": "二次函數上的更新次數",
    "rates.h.curves": "損失隨更新次數的變化",
    "rates.rule": "每條線按規則標注：結束時比開始時高為**發散**；某次更新損失上升但最終降低為**太大**；"
                  "從不上升且縮小了到最優損失差距的 99% 為**合適**；從不上升但沒做到為**太小**。"
                  "同一個學習率對交叉熵合適，對平方誤差卻可能太小。",
    "rates.h.scaling": "特徵縮放",
    "rates.panel.gd": "梯度下降，尺度 1 與 {s2}",
    "rates.panel.adagrad": "Adagrad，尺度 1 與 {s2}",
    "rates.panel.scaled": "縮放後的梯度下降",
    "rates.scaling_reading": "{steps} 次更新後，狹長曲面上梯度下降的損失為 **{gd}**，Adagrad 為 **{ada}**，"
                             "縮放後為 **{scaled}**（學習率 {lr_scaled}：最大穩定學習率的相同比例）。"
                             "在橢圓上一個學習率無法同時適合兩個方向；在圓上每一步都朝向圓心。",
    "rates.h.adagrad": "Adagrad：每個參數一個學習率",
    "rates.adagrad_reading": "Adagrad 把每個參數的學習率除以其過去梯度平方和的平方根：陡峭方向 w2 得到較小的學習率，"
                             "平緩方向 w1 得到較大的學習率，而且兩者都隨時間變小。",
    "rates.legend": "學習率 {lr}：{label}",
    "rates.label.too_small": "太小",
    "rates.label.right": "合適",
    "rates.label.too_large": "太大",
    "rates.label.diverging": "發散",
    "rates.axis.updates": "更新次數",
    "rates.axis.rate": "學習率",
    "rates.adagrad_w": "Adagrad，w{i}",
    "rates.gd_rate": "梯度下降",
    "rates.contours": "損失",
    "rates.path": "路徑",
    "rates.centre": "最小值",
})

# 與實驗共用的字段沿用實驗的標簽和說明。
for _table in ("escape", "anatomy", "simplex", "logistic", "rates"):
    for _key in [k for k in STRINGS if k.startswith("lab.field.")]:
        STRINGS.setdefault(_table + _key[3:], STRINGS[_key])
