/**
 * Sentences claimants type into free-text boxes, in the languages and scripts UI agencies
 * receive: accented Latin, CJK, Hangul, Vietnamese, Arabic, emoji (with skin tones and ZWJ
 * sequences) and one accent in decomposed form, so byte counts differ from character counts.
 */
export const commentSentences = [
  "Laid off when the café closed for renovation; the manager said to reapply in the spring.",
  "My hours were cut from 40 to 12 a week after the new scheduling system went live.",
  "Mi supervisor dijo que no había más trabajo después de la temporada de cosecha.",
  "Nos despidieron a todos el viernes sin aviso previo — la fábrica cerró.",
  "工厂搬迁到另一个州，所有员工都被解雇了。",
  "公司说是因为订单减少，暂时没有工作，等通知再回去上班。",
  "シフトが減らされ、最終的に契約が終了しました。",
  "계약이 만료되어 더 이상 일이 없었습니다.",
  "Tôi bị cho nghỉ việc vì công ty cắt giảm nhân sự.",
  "Store closed permanently 😢 and corporate decided overnight.",
  "Worked the night shift 🌙 at the warehouse until the contract with the client ended.",
  "Kitchen staff 👩🏽‍🍳👨🏿‍🍳 were let go when the restaurant switched to delivery only 🚚.",
  "I was told my position was eliminated in the reorganization; severance paid on my last day 💵.",
  "Le contrat de mission s'est terminé plus tôt que prévu à cause de la météo.",
  "Ich wurde wegen Auftragsmangel entlassen; die Firma hofft, mich im Frühjahr zurückzuholen.",
  "انتهى عقدي ولم يتم تجديده بسبب نقص العمل.",
  "Quit to care for my mother after her surgery; I am available again from next month 🙏.",
  "Discharged after a dispute about overtime pay — I believe I was treated unfairly.",
  "Naïve question maybe, but does the résumé workshop count as a work search contact?",
  "Jose\u0301 from HR said the plant expects to recall the second shift in 8–10 weeks.",
  "On strike since the 3rd; the union hall is coordinating pickets 🪧✊.",
  "Seasonal ski-lift operator ⛷️ — the resort closes every April.",
  "Temp agency assignment ended; the agency has not offered another placement yet.",
  "Still employed part-time 🕒 at 15 hours a week, down from full time."
] as const

/** Explanations claimants give on the availability page when an answer differs from the expected one. */
export const availabilityExplanations = [
  "Recovering from knee surgery until the 15th; my doctor cleared me for light duty after that.",
  "No child care on weekday mornings 👶 so I can work afternoons and evenings only.",
  "Tengo una cita médica el martes, pero estoy disponible el resto de la semana.",
  "这周在参加职业培训课程，周末可以上班。",
  "Turned down a job 90 miles away because I have no car 🚗 and no bus goes there.",
  "Tôi phải chăm sóc mẹ bị ốm trong ba ngày, sau đó có thể đi làm lại.",
  "Was out of state for my father's funeral from Monday to Thursday 🕊️."
] as const
