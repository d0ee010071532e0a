"""Every word a member reads, in both languages. Nothing the member reads is written anywhere else.

`TEXTS[key]` holds {"zh-TW": ..., "en": ...}; a test fails if any key lacks a language.
Placeholders use str.format names; numbers, money and dates are filled in already written by
core/formats.py (money as "NT$1,250", so a template never writes "NT$" itself). The domain returns
codes and parameters (a ledger row's reason code, an outbox row's kind); bot/ turns them into these
words: bot/ledger_lines.py, bot/notice_messages.py and the handlers.
"""
from __future__ import annotations

from core import formats

LANGUAGES = ("zh-TW", "en")
DEFAULT_LANGUAGE = "zh-TW"

TEXTS: dict[str, dict[str, str]] = {
    # -- joining
    "welcome.title": {"zh-TW": "歡迎！", "en": "Welcome!"},
    "welcome.body": {
        "zh-TW": "加入會員：消費累積點數、生日禮，訊息隨時可以停止。",
        "en": "Join to earn points and get a birthday gift; you can stop our messages any time.",
    },
    "welcome.alt": {"zh-TW": "歡迎！點一下加入會員", "en": "Welcome! Tap to join"},
    "welcome.privacy": {"zh-TW": "隱私權條款", "en": "Privacy terms"},
    "button.join": {"zh-TW": "加入會員", "en": "Join"},
    "joined": {"zh-TW": "{name}，歡迎加入會員！您的會員編號是 {code}。",
               "en": "Welcome aboard, {name}! Your member code is {code}."},
    "joined.gift_points": {"zh-TW": "入會禮 {points} 點已存入。", "en": "Your welcome gift of {points} points is in."},
    "joined.gift_coupon": {"zh-TW": "入會禮：{value} 優惠券，代碼 {code}。",
                           "en": "Welcome gift: an {value} coupon, code {code}."},
    "welcome_back": {"zh-TW": "{name}，歡迎回來！您的 {balance} 點都還在。", "en": "Welcome back, {name}! Your {balance} points are all still here."},
    "already_member": {"zh-TW": "您已經是會員了（會員編號 {code}）。", "en": "You are already a member (member code {code})."},
    "invite_join": {"zh-TW": "這是會員功能，點一下就能加入會員。", "en": "That is for members: one tap and you're in."},
    # -- points and tier
    "points.balance": {"zh-TW": "您目前有 {balance} 點，等級：{tier}。", "en": "You have {balance} points. Tier: {tier}."},
    "points.expiring": {"zh-TW": "其中 {points} 點將於 {date} 到期。", "en": "{points} of them expire on {date}."},
    "points.how_to_earn": {"zh-TW": "每消費 {spend} 累積 1 點（{tier} {multiplier}）。",
                           "en": "Earn 1 point per {spend} spent ({tier} {multiplier})."},
    "points.none_expiring": {"zh-TW": "目前沒有即將到期的點數。", "en": "No points are about to expire."},
    "points.owed": {"zh-TW": "另有 {points} 點待補扣（退款的消費，點數當時已使用），之後累積的點數會先用來補足。",
                    "en": "You owe {points} points (refunded purchases whose points were already used); the points "
                          "you earn next go to that first."},
    # -- member card
    "card.alt": {"zh-TW": "會員卡：{balance} 點，{tier}", "en": "Member card: {balance} points, {tier}"},
    "card.title": {"zh-TW": "會員卡", "en": "Member card"},
    "card.points": {"zh-TW": "點數", "en": "Points"},
    "card.tier": {"zh-TW": "等級", "en": "Tier"},
    "card.code": {"zh-TW": "會員編號", "en": "Member code"},
    "card.progress": {"zh-TW": "再消費 {spend} 升級 {tier}", "en": "{spend} more to reach {tier}"},
    "card.top": {"zh-TW": "您已是最高等級", "en": "You are at the top tier"},
    "card.expiring": {"zh-TW": "{points} 點將於 {date} 到期", "en": "{points} points expire on {date}"},
    "card.show_at_counter": {"zh-TW": "結帳時出示條碼即可累積點數", "en": "Show this code at the counter to earn points"},
    # -- tier
    "tier.current": {"zh-TW": "您的等級：{tier}（近 12 個月消費 {spend}）\n權益：{benefits}",
                     "en": "Your tier: {tier} ({spend} spent in the last 12 months)\nBenefits: {benefits}"},
    "tier.next": {"zh-TW": "再消費 {spend} 即可升級 {tier}（{multiplier} 點數）。",
                  "en": "Spend {spend} more to reach {tier} ({multiplier} points)."},
    "tier.top": {"zh-TW": "您已是最高等級，謝謝您的支持！", "en": "You're at our top tier. Thank you!"},
    "tier.keep": {"zh-TW": "在 {date} 年度評等前再消費 {spend} 即可保留 {tier}。",
                  "en": "Spend {spend} more before the yearly review on {date} to keep {tier}."},
    "tier.kept": {"zh-TW": "您已確定在 {date} 的年度評等保留 {tier}。", "en": "You keep {tier} at the yearly review on {date}."},
    # -- coupons
    "coupons.none": {"zh-TW": "您目前沒有可用的優惠券。", "en": "You have no coupons right now."},
    "coupons.alt": {"zh-TW": "您有 {count} 張優惠券", "en": "You have {count} coupons"},
    "coupons.value": {"zh-TW": "折抵 {value}", "en": "{value} off"},
    "coupons.code": {"zh-TW": "代碼 {code}", "en": "Code {code}"},
    "coupons.until": {"zh-TW": "使用期限 {date}", "en": "Valid until {date}"},
    # -- rewards
    "rewards.none": {"zh-TW": "目前沒有可兌換的商品。", "en": "There are no rewards to redeem right now."},
    "rewards.alt": {"zh-TW": "點數兌換：您有 {balance} 點", "en": "Rewards: you have {balance} points"},
    "rewards.cost": {"zh-TW": "{cost} 點", "en": "{cost} points"},
    "rewards.stock": {"zh-TW": "剩 {stock} 份", "en": "{stock} left"},
    "rewards.sold_out": {"zh-TW": "已兌換完畢", "en": "Sold out"},
    "rewards.redeem": {"zh-TW": "兌換", "en": "Redeem"},
    "rewards.confirm": {"zh-TW": "確定用 {cost} 點兌換「{name}」嗎？兌換後剩 {after} 點。",
                        "en": "Redeem \"{name}\" for {cost} points? You'll have {after} left."},
    "rewards.yes": {"zh-TW": "確定兌換", "en": "Yes, redeem"},
    "rewards.no": {"zh-TW": "先不要", "en": "Not now"},
    "rewards.cancelled": {"zh-TW": "好的，沒有兌換。", "en": "OK, nothing redeemed."},
    "rewards.done": {"zh-TW": "兌換成功！「{name}」優惠券代碼 {code}，使用期限 {date}。剩餘 {balance} 點。",
                     "en": "Redeemed! \"{name}\" coupon code {code}, valid until {date}. {balance} points left."},
    "rewards.not_enough": {"zh-TW": "點數不足：「{name}」需要 {cost} 點，您有 {balance} 點。",
                           "en": "Not enough points: \"{name}\" needs {cost}, you have {balance}."},
    "rewards.out_of_stock": {"zh-TW": "抱歉，「{name}」已兌換完畢。", "en": "Sorry, \"{name}\" is sold out."},
    "rewards.inactive": {"zh-TW": "抱歉，這個商品已下架。", "en": "Sorry, that reward is no longer offered."},
    # -- history
    "history.none": {"zh-TW": "還沒有點數紀錄。", "en": "No points history yet."},
    "history.title": {"zh-TW": "最近的點數紀錄：", "en": "Your latest points history:"},
    "history.line": {"zh-TW": "{date}　{delta}　{reason}", "en": "{date}  {delta}  {reason}"},
    # -- referral
    "referral.code": {"zh-TW": "您的推薦碼：{code}\n好友加入會員後 {days} 天內輸入「推薦碼 {code}」，首次消費後你們各得 {points} 點。",
                      "en": "Your referral code: {code}\nA friend who joins and, within {days} days, sends "
                            "\"referral {code}\" gets {points} points after their first purchase, and so do you."},
    "referral.linked": {"zh-TW": "已綁定推薦人！首次消費後您與推薦人各得 {points} 點。",
                        "en": "Referral linked! After your first purchase you and your friend each get {points} points."},
    "referral.not_found": {"zh-TW": "找不到這個推薦碼，請再確認一次。", "en": "That referral code doesn't exist; please check it."},
    "referral.self": {"zh-TW": "不能使用自己的推薦碼喔。", "en": "You can't use your own referral code."},
    "referral.already": {"zh-TW": "您已經綁定過推薦人了。", "en": "You already have a referrer."},
    "referral.loop": {"zh-TW": "這個推薦碼無法使用（不能互相推薦）。", "en": "That code can't be used (no referring each other)."},
    "referral.window": {"zh-TW": "推薦碼需在加入會員後 {days} 天內輸入。", "en": "A referral code must be entered within {days} days of joining."},
    # -- help and fallbacks
    "help": {"zh-TW": "我可以幫您：查會員卡、點數、等級、優惠券與點數紀錄，兌換好禮，設定生日，看最新消息，"
                      "取得推薦碼，管理訂閱。直接打字問我，或點下面的按鈕。",
             "en": "I can show your member card, points, tier, coupons and points history, redeem rewards, set "
                   "your birthday, show news, give your referral code and manage subscriptions. Just ask, or tap below."},
    "about": {"zh-TW": "我們是您身邊的生活選物店。加入會員即可累積點數（每 {spend} 得 1 點）、收到生日禮，還能兌換好禮。",
              "en": "We're your neighbourhood lifestyle store. Members earn 1 point per {spend}, get a birthday gift "
                    "and redeem rewards."},
    "fallback": {"zh-TW": "不好意思，我不太懂。試試下面的選項：", "en": "Sorry, I didn't get that. Try one of these:"},
    "error": {"zh-TW": "抱歉，系統忙碌中，請稍後再試一次。", "en": "Sorry, something went wrong on our side. Please try again shortly."},
    # -- birthday
    "birthday.offer": {"zh-TW": "告訴我們您的生日，生日當月送您生日禮！（只需月、日）",
                       "en": "Tell us your birthday and get a gift in your birthday month (month and day only)."},
    "birthday.pick": {"zh-TW": "選擇生日", "en": "Pick birthday"},
    "birthday.skip": {"zh-TW": "以後再說", "en": "Later"},
    "birthday.skipped": {"zh-TW": "沒問題，想設定時輸入「生日」即可。", "en": "No problem: type \"birthday\" whenever you like."},
    "birthday.saved": {"zh-TW": "已記下您的生日：{month} 月 {day} 日。生日當月會收到生日禮！",
                       "en": "Saved your birthday (month/day): {month}/{day}. A gift comes in your birthday month!"},
    "birthday.show": {"zh-TW": "您的生日是 {month} 月 {day} 日。", "en": "Your birthday (month/day) is {month}/{day}."},
    "birthday.locked": {"zh-TW": "生日設定後無法在聊天室修改；如需更正，請洽門市人員或客服。",
                        "en": "A birthday can't be changed in chat once set; please ask our staff or customer service."},
    "birthday.invalid": {"zh-TW": "這個日期不行喔，請重新選擇（不能是未來的日期）。",
                         "en": "That date doesn't work (it can't be in the future). Please pick again."},
    # -- language
    "language.switched": {"zh-TW": "好的，之後用中文跟您說話。", "en": "OK, I'll speak English from now on."},
    # -- subscription
    "unsubscribe.done": {"zh-TW": "已取消訂閱行銷訊息。交易通知（如消費明細）仍會照常發送。輸入「訂閱」可恢復。",
                         "en": "You're unsubscribed from marketing messages. Service messages such as receipts still "
                               "come. Type \"subscribe\" to resume."},
    "unsubscribe.already": {"zh-TW": "您目前沒有訂閱行銷訊息。", "en": "You're not subscribed to marketing messages."},
    "subscribe.done": {"zh-TW": "已恢復訂閱，謝謝！我們每週最多傳 {cap} 則優惠與消息。",
                       "en": "You're subscribed again, thank you! At most {cap} offers or news a week."},
    "subscribe.already": {"zh-TW": "您已經訂閱了。", "en": "You're already subscribed."},
    # -- deleting data
    "delete.ask": {"zh-TW": "確定要刪除您的個人資料嗎？姓名、生日、電話與標籤將被刪除，之後不會再收到任何訊息；"
                            "點數與消費只保留匿名統計，無法復原。",
                   "en": "Delete your personal data? Your name, birthday, phone and tags are erased and no more "
                         "messages come; points and purchases are kept only as anonymous totals. This can't be undone."},
    "delete.confirm": {"zh-TW": "確定刪除", "en": "Delete"},
    "delete.cancel": {"zh-TW": "取消", "en": "Cancel"},
    "delete.done": {"zh-TW": "您的個人資料已刪除。謝謝您曾經的支持。", "en": "Your personal data has been erased. Thank you for having been with us."},
    "delete.cancelled": {"zh-TW": "好的，什麼都沒有刪除。", "en": "OK, nothing was deleted."},
    # -- close calls
    "which_one": {"zh-TW": "請問您是指哪一個？", "en": "Which one did you mean?"},
    # -- quick reply labels
    "qr.points": {"zh-TW": "點數", "en": "Points"},
    "qr.help": {"zh-TW": "幫助", "en": "Help"},
    "qr.join": {"zh-TW": "加入會員", "en": "Join"},
    "qr.card": {"zh-TW": "會員卡", "en": "Member card"},
    "qr.coupons": {"zh-TW": "優惠券", "en": "Coupons"},
    "qr.rewards": {"zh-TW": "兌換", "en": "Rewards"},
    "qr.tier": {"zh-TW": "等級", "en": "Tier"},
    "qr.history": {"zh-TW": "點數紀錄", "en": "History"},
    "qr.birthday": {"zh-TW": "生日", "en": "Birthday"},
    "qr.news": {"zh-TW": "最新消息", "en": "News"},
    "qr.referral": {"zh-TW": "推薦碼", "en": "Referral"},
    "qr.unsubscribe": {"zh-TW": "取消訂閱", "en": "Unsubscribe"},
    "qr.subscribe": {"zh-TW": "訂閱", "en": "Subscribe"},
    "qr.delete": {"zh-TW": "刪除資料", "en": "Delete my data"},
    "qr.account_link": {"zh-TW": "連結帳號", "en": "Link my account"},
    # -- LINE's account link (handlers/account_link.py)
    "account_link.ask": {"zh-TW": "請登入官網會員帳號，完成後您的 LINE 會員就會與官網帳號連結，線上購物也能累積點數。連結在 10 分鐘內有效。",
                         "en": "Log in to your account on our online shop: your LINE membership is then linked to it, "
                               "and online orders earn points too. The link works for 10 minutes."},
    "account_link.button": {"zh-TW": "登入並連結", "en": "Log in and link"},
    "account_link.unavailable": {"zh-TW": "目前無法連結官網帳號，請稍後再試。", "en": "Linking an online shop account is not "
                                 "available right now. Please try again later."},
    "account_link.done": {"zh-TW": "帳號連結完成！線上購物也會累積點數。", "en": "Your account is linked! Online orders "
                          "now earn points too."},
    "account_link.not_linked": {"zh-TW": "帳號沒有連結成功，請輸入「連結帳號」重新開始。",
                                "en": "Your account was not linked. Type \"link my account\" to start again."},
    "qr.about": {"zh-TW": "關於我們", "en": "About us"},
    "qr.language": {"zh-TW": "English", "en": "中文"},
    # -- rich menu (its buttons use the quick reply labels above, both languages on each)
    "richmenu.chat_bar_gold": {"zh-TW": "金卡選單", "en": "Gold"},
    "richmenu.verify_phone": {"zh-TW": "驗證手機", "en": "Verify phone"},
    "richmenu.chat_bar": {"zh-TW": "選單", "en": "Menu"},
    # -- notices the bot sends on its own (bot/notice_messages.py)
    "notice.receipt": {"zh-TW": "消費 {amount}{at_store} {multiplier} → +{points} 點；目前共 {balance} 點",
                       "en": "{amount}{at_store} {multiplier} → +{points} points; balance {balance}"},
    "notice.receipt.at_store": {"zh-TW": "（{store}）", "en": " at {store}"},
    "notice.receipt.referral": {"zh-TW": "含推薦獎勵 +{points} 點", "en": "Including a referral bonus of +{points} points"},
    "notice.tier_up": {"zh-TW": "恭喜升級！您的會員等級由{old}升為{new}。",
                       "en": "Congratulations! You moved up from {old} to {new}."},
    "notice.tier_benefits": {"zh-TW": "{tier}禮遇：{benefits}", "en": "{tier} benefits: {benefits}"},
    "notice.tier_down": {"zh-TW": "年度等級審核後，您的會員等級由{old}調整為{new}。",
                         "en": "After the yearly review your tier changed from {old} to {new}."},
    "notice.refund": {"zh-TW": "退款 {amount}：扣回 {points} 點；目前共 {balance} 點",
                      "en": "Refund of {amount}: {points} points taken back; balance {balance}"},
    "notice.refund.spent_returned": {"zh-TW": "這筆訂單折抵的 {points} 點已退回給您（已計入目前點數）。",
                                     "en": "The {points} points you spent on this order came back to you (in the "
                                           "balance above)."},
    "notice.refund.shortfall": {"zh-TW": "另有 {points} 點已使用，將從您之後累積的點數先行補扣。",
                                "en": "{points} points had already been used: they will come out of the points you "
                                      "earn next."},
    "notice.receipt.debt_repaid": {"zh-TW": "其中 {points} 點用於補扣退款欠點", "en": "{points} of them went to points you owed"},
    "notice.points_owed": {"zh-TW": "尚欠 {points} 點。", "en": "{points} points still owed."},
    "notice.referral_bonus": {"zh-TW": "您推薦的朋友完成首次消費，送您 {points} 點！目前共 {balance} 點",
                              "en": "A friend you referred made their first purchase: +{points} points! Balance {balance}"},
    "notice.tier_down.why": {"zh-TW": "年度審核計入的消費為 {spend}，{old}需 {threshold}。",
                             "en": "The review counted {spend} of spending; {old} needs {threshold}."},
    # -- engagement: birthday gift, content, surveys, tier keep-or-lose, repurchase reminders
    "birthday.card.title": {"zh-TW": "生日快樂！", "en": "Happy birthday!"},
    "birthday.card.body": {"zh-TW": "這個月是您的生日月，送您一張 {value} 生日禮券，祝您生日快樂！",
                           "en": "It's your birthday month! Here's an {value} birthday coupon. Happy birthday!"},
    "birthday.card.alt": {"zh-TW": "生日快樂！送您 {value} 生日禮券，代碼 {code}",
                          "en": "Happy birthday! An {value} birthday coupon for you, code {code}"},
    "birthday.card.how": {"zh-TW": "結帳時出示代碼即可折抵", "en": "Show the code at the till"},
    "content.read_more": {"zh-TW": "閱讀全文", "en": "Read more"},
    "content.open_link": {"zh-TW": "前往網站", "en": "Visit website"},
    "content.kind.story": {"zh-TW": "品牌故事", "en": "Our story"},
    "content.kind.tip": {"zh-TW": "生活小知識", "en": "Tip"},
    "content.kind.new_product": {"zh-TW": "新品上市", "en": "New in"},
    "content.gone": {"zh-TW": "抱歉，這則內容已經下架了。", "en": "Sorry, that item is no longer available."},
    "news.alt": {"zh-TW": "最新消息：{titles}", "en": "Latest news: {titles}"},
    "news.none": {"zh-TW": "目前沒有新消息，敬請期待！", "en": "No news right now. Stay tuned!"},
    "survey.invite.store": {"zh-TW": "謝謝您光臨{store}！這次的體驗如何？請給 1 到 5 分（5 分最滿意）。",
                            "en": "Thank you for visiting {store}! How was your visit? Please rate it 1 to 5 (5 is best)."},
    "survey.invite.online": {"zh-TW": "謝謝您在網路商店購物！這次的體驗如何？請給 1 到 5 分（5 分最滿意）。",
                             "en": "Thank you for shopping online with us! How was it? Please rate it 1 to 5 (5 is best)."},
    "survey.invite.visit": {"zh-TW": "謝謝您的光臨！這次的體驗如何？請給 1 到 5 分（5 分最滿意）。",
                            "en": "Thank you for your visit! How was it? Please rate it 1 to 5 (5 is best)."},
    "survey.rating": {"zh-TW": "{n} 分", "en": "{n} ★"},
    "survey.ask_comment": {"zh-TW": "謝謝您的評分！還有什麼想告訴我們的嗎？直接輸入文字即可，或點「略過」。",
                           "en": "Thanks for rating! Anything you'd like to tell us? Just type it, or tap Skip."},
    "survey.ask_comment.low": {"zh-TW": "很抱歉這次讓您失望了。可以告訴我們發生了什麼事嗎？直接輸入文字即可，或點「略過」。",
                               "en": "We're sorry we let you down. Could you tell us what happened? Just type it, "
                                     "or tap Skip."},
    "survey.skip": {"zh-TW": "略過", "en": "Skip"},
    "survey.thanks": {"zh-TW": "謝謝您的寶貴意見，我們會繼續努力！", "en": "Thank you for your feedback!"},
    "survey.thanks.low": {"zh-TW": "謝謝您告訴我們，門市人員會盡快跟進處理。",
                          "en": "Thank you for telling us. Our staff will follow up soon."},
    "survey.already": {"zh-TW": "您已經回覆過這份問卷了，謝謝！", "en": "You've already answered this survey. Thank you!"},
    "survey.closed": {"zh-TW": "這份問卷已經結束了，還是謝謝您！下次光臨後歡迎再給我們意見。",
                      "en": "This survey has closed, but thank you all the same! We'd love your thoughts after "
                            "your next visit."},
    "notice.tier_keep": {"zh-TW": "提醒您：{date} 將進行年度等級審核。審核計入的消費目前為 {spend}，{tier}需 {threshold}；"
                                  "在 {last_day} 前再消費 {keep} 即可保留{tier}。",
                         "en": "A reminder: the yearly tier review is on {date}. Spending it counts so far: {spend}; "
                               "{tier} needs {threshold}. Spend {keep} more by {last_day} to keep {tier}."},
    "notice.repurchase": {"zh-TW": "好久不見！距離您上次光臨已經 {days} 天了，為您準備了一則可能會喜歡的內容：",
                          "en": "We've missed you! It's been {days} days since your last visit. Here's something "
                                "you might like:"},
    "notice.repurchase.plain": {"zh-TW": "好久不見！距離您上次光臨已經 {days} 天了，期待很快再見到您。",
                                "en": "We've missed you! It's been {days} days since your last visit. Hope to see "
                                      "you soon."},
    # -- broadcasts (staff write the text; these fill the gaps)
    "broadcast.name_fallback": {"zh-TW": "會員朋友", "en": "friend"},
    "broadcast.coupon_days": {"zh-TW": "發送後 {days} 天", "en": "{days} days after it is sent"},
    "broadcast.coupon": {"zh-TW": "🎟 {title}：折抵 {value}\n優惠碼：{code}\n使用期限：{until}前，結帳時出示此碼即可使用一次。",
                         "en": "🎟 {title}: {value} off\nCode: {code}\nValid until {until}; show this code at checkout to use it once."},
    # -- a staff member linking their LINE account for test sends
    "staff_link.done": {"zh-TW": "已連結！推播的測試訊息會傳到這個 LINE 帳號。",
                        "en": "Linked! Test sends of broadcasts will come to this LINE account."},
    "staff_link.unknown": {"zh-TW": "這個連結碼無效或已過期，請在後台「我的帳號」取得新的連結碼。",
                           "en": "That link code is unknown or expired: get a new one under My account in the console."},
    "staff_link.too_many": {"zh-TW": "連結碼輸入次數過多，請 {minutes} 分鐘後再試。若連結碼已失效，請在後台「我的帳號」取得新的連結碼。",
                            "en": "Too many link codes tried. Please try again in {minutes} minutes; if your code no "
                                  "longer works, get a new one under My account in the console."},
    "broadcast.image_alt": {"zh-TW": "[圖片]", "en": "[Picture]"},
    # -- claiming a membership moved in from another programme with the code printed for the member
    "claim.done": {"zh-TW": "已將您在「{source}」的會員資料轉入：{points} 點，等級為{tier}。目前點數 {balance} 點。",
                   "en": "Your {source} membership is here now: {points} points moved in, tier {tier}. "
                         "Your balance: {balance} points."},
    "claim.unknown": {"zh-TW": "這個領取碼無效，請確認印給您的領取碼（例如 ABCDE-FGHJK）。",
                      "en": "That claim code is not valid: please check the code printed for you (like ABCDE-FGHJK)."},
    "claim.already": {"zh-TW": "這組領取碼的會員資料已經領取過了，無法再次領取。",
                      "en": "The membership of this claim code was claimed already: it cannot be claimed twice."},
    "claim.too_many": {"zh-TW": "領取碼輸入次數過多，請 {minutes} 分鐘後再試。",
                       "en": "Too many claim codes tried. Please try again in {minutes} minutes."},
    # -- conversation beyond the menu: small talk, the shop's answers, stores, a person (issue 13)
    "notice.points_added": {"zh-TW": "已為您加入 {points} 點（{reason}），目前共 {balance} 點。",
                            "en": "We added {points} points to your account ({reason}). You now have {balance}."},
    "notice.points_taken": {"zh-TW": "您的點數已扣除 {points} 點（{reason}），目前共 {balance} 點。",
                            "en": "{points} points were taken from your account ({reason}). You now have {balance}."},
    "small_talk.greeting": {"zh-TW": "您好！想查點數、優惠券，或問門市、營業時間，直接輸入就可以喔。",
                            "en": "Hello! Ask me about your points, coupons, our stores or opening hours any time."},
    "small_talk.thanks": {"zh-TW": "不客氣，很高興能幫上忙！", "en": "You're welcome, happy to help!"},
    "small_talk.ack": {"zh-TW": "好的 👍", "en": "Great 👍"},
    "small_talk.bye": {"zh-TW": "謝謝您，祝您有美好的一天！", "en": "Thank you, have a lovely day!"},
    "small_talk.sticker": {"zh-TW": "收到您的貼圖了 😊", "en": "Nice sticker 😊"},
    "small_talk.image": {"zh-TW": "謝謝您傳來的照片！如需協助請輸入「真人客服」。",
                         "en": "Thanks for the picture! Type \"talk to a person\" if you need help with it."},
    "small_talk.video": {"zh-TW": "謝謝您傳來的影片！如需協助請輸入「真人客服」。",
                         "en": "Thanks for the video! Type \"talk to a person\" if you need help with it."},
    "small_talk.audio": {"zh-TW": "謝謝您的語音訊息！我目前只看得懂文字，也可以輸入「真人客服」。",
                         "en": "Thanks for the voice message! I can only read text; type \"talk to a person\" for help."},
    "small_talk.file": {"zh-TW": "已收到檔案，謝謝！如需協助請輸入「真人客服」。",
                        "en": "File received, thank you! Type \"talk to a person\" if you need help."},
    "stores.alt": {"zh-TW": "我們的門市", "en": "Our stores"},
    "stores.none": {"zh-TW": "目前還沒有門市資料，請稍後再試。", "en": "No store details yet, sorry."},
    "stores.hours": {"zh-TW": "營業時間 {hours}", "en": "Open {hours}"},
    "stores.phone": {"zh-TW": "電話 {phone}", "en": "Phone {phone}"},
    "stores.map": {"zh-TW": "地圖", "en": "Map"},
    "stores.call": {"zh-TW": "撥打電話", "en": "Call"},
    "stores.distance": {"zh-TW": "距離約 {km} 公里", "en": "About {km} km away"},
    "stores.nearest": {"zh-TW": "離您最近的門市：", "en": "The stores nearest to you:"},
    "stores.hours_answer": {"zh-TW": "{store}營業時間 {hours}，地址：{address}。",
                            "en": "{store} is open {hours}. Address: {address}."},
    "stores.no_hours": {"zh-TW": "{store}地址：{address}，營業時間請來電 {phone}。",
                        "en": "{store}: {address}. Please call {phone} for opening hours."},
    "handoff.started": {"zh-TW": "好的，已為您轉接真人客服（服務時間 {hours}），請直接留言，我們會盡快回覆。"
                                 "這段時間選單按鈕仍可使用。",
                        "en": "OK, a person from our team will answer you here (service hours {hours}). Just write "
                              "your message. The menu buttons keep working meanwhile."},
    "handoff.ended": {"zh-TW": "真人客服已結束，接下來由小幫手為您服務。需要真人協助時，隨時輸入「真人客服」。",
                      "en": "Our team has finished this chat; the bot answers you again from now on. Ask for "
                            "a person whenever you need us."},
    "rewards.named": {"zh-TW": "您問的是這個兌換品：", "en": "Here is that reward:"},
    "birthday_gift.info": {"zh-TW": "會員生日當月可領生日禮：{gift}。請先設定生日，我們會在生日前自動送到。",
                           "en": "In your birthday month you get a birthday gift: {gift}. Set your birthday and "
                                 "it arrives on its own."},
    "tier_rules.info": {"zh-TW": "{tier}：近 12 個月消費滿 {threshold} 即可升級，權益：{benefits}。",
                        "en": "{tier}: spend {threshold} within 12 months. Benefits: {benefits}."},
    "leave.choices": {"zh-TW": "想離開的話有兩種方式：\n1.「停止訊息」：不再收到活動訊息，保留點數和會員資格。\n"
                               "2.「刪除我的資料」：刪除會員資料與點數，無法復原。",
                      "en": "Two ways to leave:\n1. Stop messages: no more promotions; you keep your points and "
                            "membership.\n2. Delete my data: your membership and points are erased for good."},
    "leave.stop": {"zh-TW": "停止訊息", "en": "Stop messages"},
    "leave.delete": {"zh-TW": "刪除我的資料", "en": "Delete my data"},
    "unsubscribe.confirm": {"zh-TW": "「退訂」是要停止接收活動訊息嗎？（取消訂單請輸入「真人客服」）",
                            "en": "Do you want to stop our promotional messages? (To cancel an order, type "
                                  "\"talk to a person\".)"},
    "unsubscribe.confirm_yes": {"zh-TW": "是，停止訊息", "en": "Yes, stop them"},
    "unsubscribe.confirm_no": {"zh-TW": "不用了", "en": "No, thanks"},
    "unsubscribe.kept": {"zh-TW": "好的，訊息設定沒有變更。", "en": "OK, nothing changed."},
    # -- a points ledger row, by its reason code (bot/ledger_lines.py); {points} is signed, e.g. +120
    "ledger.earn_order": {"zh-TW": "消費 {amount}{where}{multiplier} → {points} 點",
                          "en": "{amount}{where}{multiplier} → {points}"},
    # where an order was placed, with the space before the multiplier where the language wants one
    "ledger.earn_order.store": {"zh-TW": "（{store}）", "en": " at {store} "},
    "ledger.earn_order.online": {"zh-TW": "（線上）", "en": " online "},
    "ledger.refund_order": {"zh-TW": "訂單 {order} 退款 {amount} → {points} 點{shortfall}",
                            "en": "Refund of {amount} on order {order} → {points}{shortfall}"},
    "ledger.shortfall": {"zh-TW": "（{points} 點已使用，待補扣）", "en": " ({points} already spent: owed)"},
    "ledger.debt_repaid": {"zh-TW": "補扣退款欠點 {points} 點{left}", "en": "Owed points repaid {points}{left}"},
    "ledger.debt_left": {"zh-TW": "（尚欠 {points} 點）", "en": " ({points} still owed)"},
    "ledger.redeem_reward": {"zh-TW": "兌換 {reward} → {points} 點", "en": "Redeemed {reward} → {points}"},
    "ledger.spend_till": {"zh-TW": "訂單 {order} 點數折抵 {points} 點", "en": "Points spent on order {order} {points}"},
    "ledger.spend_cancelled": {"zh-TW": "訂單 {order} 取消點數折抵 {points} 點",
                               "en": "Points spent on order {order} given back {points}"},
    "ledger.spend_refunded": {"zh-TW": "訂單 {order} 退款，退回折抵點數 {points} 點",
                              "en": "Order {order} refunded: points spent given back {points}"},
    "ledger.expire": {"zh-TW": "{earned_on} 獲得的 {points} 點已到期", "en": "{points} points earned {earned_on} expired"},
    "ledger.adjust": {"zh-TW": "客服調整 {points} 點{note}", "en": "Adjustment by staff {points}{note}"},
    "ledger.adjust.note": {"zh-TW": "：{reason}", "en": ": {reason}"},
    "ledger.welcome": {"zh-TW": "入會禮 {points} 點", "en": "Welcome gift {points}"},
    "ledger.referral_referee": {"zh-TW": "推薦好禮：首次消費 {points} 點", "en": "Referral bonus for your first order {points}"},
    "ledger.referral_referrer": {"zh-TW": "推薦好禮：您推薦的好友完成首次消費 {points} 點",
                                 "en": "Referral bonus: a friend you referred made their first order {points}"},
    "ledger.referral_revoked": {"zh-TW": "首次消費已退款，收回推薦好禮 {points} 點{shortfall}",
                                "en": "Referral bonus taken back (first order refunded) {points}{shortfall}"},
    "ledger.import_opening": {"zh-TW": "從「{source}」轉入 {points} 點", "en": "Moved in from {source} {points}"},
    "ledger.import_unclaimed": {"zh-TW": "未領取的轉入點數 {points} 點已失效", "en": "Unclaimed points moved in {points} ended"},
    "ledger.other": {"zh-TW": "點數 {points}", "en": "Points {points}"},
    # -- phone verification (handlers/phone.py)
    "phone.ask": {"zh-TW": "請輸入要驗證的手機號碼（例如 0912-345-678），我們會傳送 6 位數簡訊驗證碼。輸入「取消」可離開。",
                  "en": "Type the mobile number to verify (e.g. 0912-345-678); we will text it a 6-digit code. "
                        "Say \"cancel\" to stop."},
    "phone.sms": {"zh-TW": "會員手機驗證碼：{code}，{minutes} 分鐘內有效。請勿提供給任何人。",
                  "en": "Your member verification code: {code}. Valid for {minutes} minutes. Never share it."},
    "phone.sent": {"zh-TW": "驗證碼已傳送到 {masked}，請在 {minutes} 分鐘內輸入 6 位數驗證碼。",
                   "en": "We texted a code to {masked}. Type the 6 digits within {minutes} minutes."},
    "phone.verified": {"zh-TW": "手機 {masked} 驗證完成！結帳時報手機號碼即可找到您的會員資料。",
                       "en": "Your phone {masked} is verified! At the till, your number finds your membership."},
    "phone.cancelled": {"zh-TW": "好的，已取消手機驗證，沒有任何變更。", "en": "OK, phone verification stopped; nothing changed."},
    "phone.send_failed": {"zh-TW": "簡訊暫時無法傳送，請稍後再試。這次不算入今天的次數。",
                          "en": "We could not send the text just now; please try again later. This try does not count "
                                "against today's limit."},
    "phone.unavailable": {"zh-TW": "目前暫不提供手機驗證，請稍後再試。",
                          "en": "Phone verification is not available right now; please try again later."},
    "phone.button.resend": {"zh-TW": "重新傳送", "en": "Send again"},
    "phone.button.other": {"zh-TW": "換一個號碼", "en": "Other number"},
    "phone.button.cancel": {"zh-TW": "取消", "en": "Cancel"},
    "phone.button.person": {"zh-TW": "找客服", "en": "Talk to a person"},
    "phone.person_words": {"zh-TW": "真人客服", "en": "talk to a person"},
    "phone.refused.empty": {"zh-TW": "請輸入手機號碼，例如 0912-345-678。", "en": "Please type a mobile number, e.g. 0912-345-678."},
    "phone.refused.not_a_number": {"zh-TW": "這不是手機號碼：只能有數字、空格和橫線，例如 0912-345-678。",
                                   "en": "That is not a phone number: only digits, spaces and dashes, e.g. 0912-345-678."},
    "phone.refused.invalid": {"zh-TW": "號碼長度不對。台灣手機是 09 開頭的 10 位數，例如 0912-345-678。",
                              "en": "That number has the wrong length. A Taiwan mobile has 10 digits starting 09, "
                                    "e.g. 0912-345-678."},
    "phone.refused.landline": {"zh-TW": "這是市話號碼，收不到簡訊。請輸入 09 開頭的手機號碼。",
                               "en": "That is a landline, which cannot receive texts. Please type a mobile number (09...)."},
    "phone.refused.foreign": {"zh-TW": "目前只能驗證台灣的手機號碼（09 開頭）。",
                              "en": "Only Taiwan mobile numbers (starting 09) can be verified."},
    "phone.refused.already_verified": {"zh-TW": "{masked} 已經是您驗證過的手機，不需要再驗證。",
                                       "en": "{masked} is already your verified phone; nothing to do."},
    "phone.refused.too_early": {"zh-TW": "驗證碼剛剛才傳出，請 {seconds} 秒後再要求重新傳送。",
                                "en": "A code was just sent. You can ask for another in {seconds} seconds."},
    "phone.refused.number_limit": {"zh-TW": "這個號碼今天已收到太多驗證碼，請明天再試。",
                                   "en": "This number has had too many codes today. Please try again tomorrow."},
    "phone.refused.member_limit": {"zh-TW": "您今天已要求太多次驗證碼，請明天再試。",
                                   "en": "You have asked for too many codes today. Please try again tomorrow."},
    "phone.refused.no_code": {"zh-TW": "目前沒有等待中的驗證碼，請先輸入手機號碼。",
                              "en": "There is no code waiting; please type your mobile number first."},
    "phone.refused.not_a_code": {"zh-TW": "驗證碼是 6 位數字，請再輸入一次，或點「重新傳送」。",
                                 "en": "The code is 6 digits. Type it again, or tap \"Send again\"."},
    "phone.refused.wrong": {"zh-TW": "驗證碼不正確，還可以再試 {left} 次。",
                            "en": "That code is not right. {left} tries left."},
    "phone.refused.expired": {"zh-TW": "驗證碼已過期（{minutes} 分鐘內有效），請點「重新傳送」取得新的驗證碼。",
                              "en": "That code has expired (codes last {minutes} minutes). Tap \"Send again\" for a new one."},
    "phone.refused.attempts_used": {"zh-TW": "錯誤次數太多，這組驗證碼已失效。請點「重新傳送」取得新的驗證碼。",
                                    "en": "Too many wrong tries: that code no longer works. Tap \"Send again\" for a new one."},
    "phone.refused.replayed": {"zh-TW": "這組驗證碼已經用過了，您的手機已完成驗證。",
                               "en": "That code was already used; your phone is verified."},
    "phone.refused.taken": {"zh-TW": "這個號碼已由另一位會員驗證。如果這是您的號碼，請點「找客服」由專人協助。",
                            "en": "This number is already verified by another member. If it is yours, tap "
                                  "\"Talk to a person\" and our staff will help."},
    # -- email verification (the profile page, bot/liff_api.py)
    "email.subject": {"zh-TW": "會員 Email 驗證碼 {code}", "en": "Your member verification code {code}"},
    "email.body": {"zh-TW": "您的會員 Email 驗證碼：{code}\n\n請在 {minutes} 分鐘內於會員資料頁輸入。請勿提供給任何人。"
                            "\n如果您沒有要求驗證，請忽略這封信。",
                   "en": "Your member email verification code: {code}\n\nType it on your profile page within {minutes} "
                         "minutes. Never share it.\nIf you did not ask for it, ignore this email."},
    "email.sent": {"zh-TW": "驗證碼已寄到 {masked}，請在 {minutes} 分鐘內輸入 6 位數驗證碼。",
                   "en": "We emailed a code to {masked}. Type the 6 digits within {minutes} minutes."},
    "email.verified": {"zh-TW": "Email {masked} 驗證完成！用這個 Email 在網路商店下單也會累積點數。",
                       "en": "Your email {masked} is verified! Orders in our online shop with this email earn points."},
    "email.credited": {"zh-TW": "已將 {count} 筆使用這個 Email 的網路訂單點數存入您的帳戶。",
                       "en": "{count} online order(s) placed with this email are now credited to you."},
    "email.send_failed": {"zh-TW": "驗證信暫時無法寄出，請稍後再試。這次不算入今天的次數。",
                          "en": "We could not send the email just now; please try again later. This try does not count "
                                "against today's limit."},
    "email.unavailable": {"zh-TW": "目前暫不提供 Email 驗證，請稍後再試。",
                          "en": "Email verification is not available right now; please try again later."},
    "email.refused.empty": {"zh-TW": "請輸入 Email，例如 name@example.com。", "en": "Please type an email address, e.g. name@example.com."},
    "email.refused.invalid": {"zh-TW": "這不是有效的 Email，例如 name@example.com。",
                              "en": "That is not an email address; it looks like name@example.com."},
    "email.refused.already_verified": {"zh-TW": "{masked} 已經是您驗證過的 Email，不需要再驗證。",
                                       "en": "{masked} is already your verified email; nothing to do."},
    "email.refused.too_early": {"zh-TW": "驗證信剛剛才寄出，請 {seconds} 秒後再要求重新寄送。",
                                "en": "A code was just sent. You can ask for another in {seconds} seconds."},
    "email.refused.number_limit": {"zh-TW": "這個 Email 今天已收到太多驗證碼，請明天再試。",
                                   "en": "This email address has had too many codes today. Please try again tomorrow."},
    "email.refused.member_limit": {"zh-TW": "您今天已要求太多次驗證碼，請明天再試。",
                                   "en": "You have asked for too many codes today. Please try again tomorrow."},
    "email.refused.no_code": {"zh-TW": "目前沒有等待中的驗證碼，請先輸入 Email。",
                              "en": "There is no code waiting; please type your email address first."},
    "email.refused.not_a_code": {"zh-TW": "驗證碼是 6 位數字，請再輸入一次。",
                                 "en": "The code is 6 digits. Please type it again."},
    "email.refused.wrong": {"zh-TW": "驗證碼不正確，還可以再試 {left} 次。",
                            "en": "That code is not right. {left} tries left."},
    "email.refused.expired": {"zh-TW": "驗證碼已過期（{minutes} 分鐘內有效），請重新寄送驗證碼。",
                              "en": "That code has expired (codes last {minutes} minutes). Please ask for a new one."},
    "email.refused.attempts_used": {"zh-TW": "錯誤次數太多，這組驗證碼已失效。請重新寄送驗證碼。",
                                    "en": "Too many wrong tries: that code no longer works. Please ask for a new one."},
    "email.refused.replayed": {"zh-TW": "這組驗證碼已經用過了，您的 Email 已完成驗證。",
                               "en": "That code was already used; your email is verified."},
    "email.refused.taken": {"zh-TW": "這個 Email 已由另一位會員驗證，無法用在您的帳戶。如果這是您的 Email，請洽客服由專人協助。",
                            "en": "This email address is already verified by another member, so it cannot be yours here. "
                                  "If it is yours, please contact us and our staff will help."},
    "liff.profile.email": {"zh-TW": "Email", "en": "Email"},
    "liff.profile.email_send": {"zh-TW": "寄送驗證碼", "en": "Send a code"},
    "liff.profile.email_code": {"zh-TW": "6 位數驗證碼", "en": "6-digit code"},
    "liff.profile.email_verify": {"zh-TW": "驗證", "en": "Verify"},
    "liff.profile.email_verified": {"zh-TW": "已驗證", "en": "Verified"},
    "card.phone": {"zh-TW": "手機", "en": "Phone"},
    "card.phone_none": {"zh-TW": "尚未驗證手機，驗證後結帳報手機即可累積點數", "en": "No verified phone yet: verify it to "
                                                                         "be found by your number at the till"},
    "card.phone_verify": {"zh-TW": "驗證手機", "en": "Verify phone"},
    "card.open_page": {"zh-TW": "開啟會員卡（條碼）", "en": "Open my card (barcode)"},
    # -- the member pages inside LINE (LIFF, /liff/): the page reads every "liff.*" word from here
    "liff.nav.card": {"zh-TW": "會員卡", "en": "Card"},
    "liff.nav.wallet": {"zh-TW": "優惠券", "en": "Coupons"},
    "liff.nav.history": {"zh-TW": "點數紀錄", "en": "History"},
    "liff.nav.profile": {"zh-TW": "會員資料", "en": "Profile"},
    "liff.nav.stores": {"zh-TW": "門市", "en": "Stores"},
    "liff.loading": {"zh-TW": "載入中…", "en": "Loading…"},
    "liff.close": {"zh-TW": "關閉", "en": "Close"},
    "liff.retry": {"zh-TW": "重試", "en": "Try again"},
    "liff.denied.title": {"zh-TW": "無法確認您的身分", "en": "We couldn't confirm who you are"},
    "liff.denied.body": {"zh-TW": "登入已過期或無效，請重試；仍不行的話，請從 LINE 聊天室重新開啟。",
                         "en": "Your sign-in expired or isn't valid. Try again, or reopen this page from the LINE chat."},
    "liff.error": {"zh-TW": "暫時無法載入，請稍後再試。", "en": "This page couldn't load. Please try again shortly."},
    "liff.not_member": {"zh-TW": "您還不是會員：在聊天室點「加入會員」即可加入。",
                        "en": "You're not a member yet: tap Join in the chat to join."},
    "liff.card.scan": {"zh-TW": "結帳時請店員掃描", "en": "Show this at the till"},
    "liff.card.refresh": {"zh-TW": "條碼每 5 分鐘更新，截圖無法使用", "en": "The code changes every 5 minutes; a screenshot won't work"},
    "liff.card.code": {"zh-TW": "會員編號", "en": "Member code"},
    "liff.card.points": {"zh-TW": "點數", "en": "Points"},
    "liff.card.tier": {"zh-TW": "等級", "en": "Tier"},
    "liff.card.carrier": {"zh-TW": "手機條碼（載具）", "en": "E-invoice carrier"},
    "liff.card.no_carrier": {"zh-TW": "可在會員資料加入手機條碼", "en": "Add your e-invoice carrier in Profile"},
    "liff.wallet.active": {"zh-TW": "可使用", "en": "Active"},
    "liff.wallet.used": {"zh-TW": "已使用", "en": "Used"},
    "liff.wallet.expired": {"zh-TW": "已過期", "en": "Expired"},
    "liff.wallet.none": {"zh-TW": "沒有優惠券", "en": "No coupons"},
    "liff.wallet.used_on": {"zh-TW": "{date} 已使用", "en": "Used on {date}"},
    "liff.wallet.expired_on": {"zh-TW": "{date} 已過期", "en": "Expired on {date}"},
    "liff.history.none": {"zh-TW": "還沒有點數紀錄", "en": "No points history yet"},
    "liff.profile.name": {"zh-TW": "姓名", "en": "Name"},
    "liff.profile.birthday": {"zh-TW": "生日", "en": "Birthday"},
    "liff.profile.birthday_once": {"zh-TW": "生日只能設定一次，之後請洽客服", "en": "A birthday can be set once; after that, ask us to change it"},
    "liff.profile.phone": {"zh-TW": "手機", "en": "Phone"},
    "liff.profile.phone_verify": {"zh-TW": "到聊天室驗證手機", "en": "Verify my phone in the chat"},
    "liff.profile.phone_words": {"zh-TW": "驗證手機", "en": "verify my phone"},
    "liff.profile.interests": {"zh-TW": "感興趣的主題", "en": "Interests"},
    "liff.profile.interest.coffee": {"zh-TW": "咖啡", "en": "Coffee"},
    "liff.profile.interest.tea": {"zh-TW": "茶飲", "en": "Tea"},
    "liff.profile.interest.pastry": {"zh-TW": "甜點", "en": "Pastry"},
    "liff.profile.interest.gifts": {"zh-TW": "禮盒", "en": "Gift boxes"},
    "liff.profile.interest.events": {"zh-TW": "活動", "en": "Events"},
    "liff.profile.interest.deals": {"zh-TW": "優惠", "en": "Deals"},
    "liff.profile.consent": {"zh-TW": "接收優惠與活動訊息", "en": "Send me offers and news"},
    "liff.profile.consent_at": {"zh-TW": "最後變更：{date}", "en": "Last changed: {date}"},
    "liff.profile.carrier": {"zh-TW": "手機條碼載具", "en": "E-invoice mobile carrier"},
    "liff.profile.carrier_hint": {"zh-TW": "例如 /ABC1234，留空即移除", "en": "e.g. /ABC1234; leave empty to remove"},
    "liff.profile.save": {"zh-TW": "儲存", "en": "Save"},
    "liff.profile.saved": {"zh-TW": "已儲存", "en": "Saved"},
    "liff.profile.fix": {"zh-TW": "請修正標示的欄位", "en": "Please fix the marked fields"},
    "liff.field.required": {"zh-TW": "請填寫", "en": "Required"},
    "liff.field.too_long": {"zh-TW": "太長了", "en": "Too long"},
    "liff.field.not_a_date": {"zh-TW": "不是有效的日期", "en": "Not a valid date"},
    "liff.field.future": {"zh-TW": "生日不能是未來的日期", "en": "A birthday can't be in the future"},
    "liff.field.too_old": {"zh-TW": "請確認年份", "en": "Please check the year"},
    "liff.field.locked": {"zh-TW": "生日已設定，如需更改請洽客服", "en": "Your birthday is set; ask us to change it"},
    "liff.field.unknown": {"zh-TW": "無此選項", "en": "Not an option"},
    "liff.field.format": {"zh-TW": "格式為 / 加 7 碼（數字、大寫英文或 . + -）",
                          "en": "Use / and 7 characters (0-9, A-Z, . + -)"},
    "liff.field.invalid": {"zh-TW": "格式不正確", "en": "Not valid"},
    "liff.csrf": {"zh-TW": "頁面已過期，請重新整理後再送出", "en": "This page expired: reload it and send again"},
    "liff.stores.none": {"zh-TW": "目前沒有門市資料", "en": "No stores listed yet"},
    "liff.stores.map": {"zh-TW": "地圖", "en": "Map"},
    "liff.stores.call": {"zh-TW": "撥打", "en": "Call"},
    # -- the title a gift coupon keeps (coupon_titles below: both languages, when it is issued)
    "coupon.welcome": {"zh-TW": "新會員禮 {value} 折價券", "en": "Welcome gift: {value} off"},
    "coupon.birthday": {"zh-TW": "生日禮 {value} 折價券", "en": "Birthday gift: {value} off"},
    # -- a tier's benefits (tier_benefits below: from the programme's settings, then its own extras)
    "benefit.earn": {"zh-TW": "消費每 {spend} 累積 1 點", "en": "1 point per {spend}"},
    "benefit.earn_more": {"zh-TW": "點數 {multiplier}", "en": "Points {multiplier}"},
    "benefit.birthday": {"zh-TW": "生日禮 {value}", "en": "{value} birthday gift"},
    "benefit.separator": {"zh-TW": "・", "en": ", "},
}


def text(key: str, language: str | None = None, **params) -> str:
    entry = TEXTS[key]
    template = entry.get(language or DEFAULT_LANGUAGE) or entry[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template


class Texts:
    """The catalogue bound to one language, handed to handlers as ctx.t."""

    def __init__(self, language: str):
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE

    def __call__(self, key: str, **params) -> str:
        return text(key, self.language, **params)


def tier_benefits(tier, spend_per_point: int, language: str) -> str:
    """What a tier gives, worded from the settings that decide it (the points per NT$ spent, the
    tier's multiplier and birthday coupon), then the tier's own extras (`benefits_zh/en`, e.g. events)."""
    t = Texts(language)
    earn = (t("benefit.earn", spend=formats.money(spend_per_point)) if tier.multiplier_pct == 100 else
            t("benefit.earn_more", multiplier=formats.multiplier(tier.multiplier_pct)))
    parts = [earn]
    if tier.birthday_coupon_value > 0:
        parts.append(t("benefit.birthday", value=formats.money(tier.birthday_coupon_value)))
    if tier.benefits(t.language):
        parts.append(tier.benefits(t.language))
    return t("benefit.separator").join(parts)


def coupon_titles(kind: str, value: int) -> tuple[str, str]:
    """A gift coupon's (zh-TW, en) title, e.g. "生日禮 NT$200 折價券": the domain keeps it on the coupon
    it issues (rewards.coupons.CouponTitles), so the till, the API and the chat show the same."""
    return tuple(text(f"coupon.{kind}", language, value=formats.money(value)) for language in LANGUAGES)


def words(prefix: str) -> dict[str, dict[str, str]]:
    """{language: {key: words}} of every key starting with `prefix` (the member pages carry these)."""
    return {language: {key: entry[language] for key, entry in TEXTS.items() if key.startswith(prefix)}
            for language in LANGUAGES}
