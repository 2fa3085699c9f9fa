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
