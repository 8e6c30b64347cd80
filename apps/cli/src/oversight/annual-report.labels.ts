import type { OperationMeasure } from '@acd/oversight';

/** The languages the annual report is written in. */
export const REPORT_LANGS = ['en', 'ja'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

export type SectionKey =
  'requests' | 'decisions' | 'operations' | 'emergencyNotifications' | 'supervision' | 'agreements';

/**
 * Every figure the report shows, by its path in the figures: the path the reconciliation names
 * when the event log and the audit log disagree on it.
 */
export type RowKey =
  | 'requests.collection'
  | 'requests.operation'
  | 'requests.emergency'
  | 'decisions.approved.collection'
  | 'decisions.denied.collection'
  | 'decisions.approved.operation'
  | 'decisions.denied.operation'
  | 'decisions.votesCast'
  | 'decisions.pendingAtYearEnd'
  | 'operations.executed'
  | `operations.byMeasure.${OperationMeasure}`
  | 'operations.abroad'
  | 'operations.reported'
  | 'emergencyNotifications.executed'
  | 'emergencyNotifications.onTime'
  | 'emergencyNotifications.late'
  | 'emergencyNotifications.missed'
  | 'emergencyNotifications.outstanding'
  | 'supervision.inspectionsOpened'
  | 'supervision.inspectionsConcluded.no-issues'
  | 'supervision.inspectionsConcluded.issues-found'
  | 'supervision.recommendationsIssued'
  | 'supervision.recommendationsAnswered'
  | 'supervision.disciplinaryDemands'
  | 'supervision.disciplinaryActionsReported'
  | 'agreements.proposed'
  | 'agreements.accepted'
  | 'agreements.declined'
  | 'agreements.ended';

/** Everything the report says in words, in one language. */
export interface ReportCatalogue {
  sections: Record<SectionKey, string>;
  rows: Record<RowKey, string>;
  /** The label of a measure the figures name but this version of `acd` does not know. */
  unknownMeasure(measure: string): string;
  /** A date and time in Japan. */
  date(iso: string): string;
  documentTitle(year: number): string;
  author: string;
  subject: string;
  title(year: number): string;
  period(from: string, to: string): string;
  generated(at: string): string;
  computedFrom(events: number, topic: string): string;
  reconciliation: string;
  reconciled(entries: number): string;
  notReconciled: string;
  treeHead(size: number, keyId: string, signed: string): string;
  difference(figure: string, label: string | undefined, eventLog: string, auditLog: string): string;
  missingFromAuditLog(id: string): string;
  missingFromEventLog(id: string): string;
  undecodable(records: number): string;
}

const inJapan = (locale: string) => {
  const format = new Intl.DateTimeFormat(locale, {
    timeZone: 'Asia/Tokyo',
    dateStyle: 'long',
    timeStyle: 'short',
  });
  return (iso: string) => `${format.format(new Date(iso))} JST`;
};

const enMeasure = (m: OperationMeasure) => `Measure: ${m}` as const;

const en: ReportCatalogue = {
  sections: {
    requests: 'Requests for authorisation',
    decisions: 'Decisions of the commission',
    operations: 'Operations executed, by measure taken',
    emergencyNotifications: 'Emergency notifications to the commission',
    supervision: 'Inspections, recommendations and disciplinary demands',
    agreements: 'Agreements with operators',
  },
  rows: {
    'requests.collection': 'Collection requests',
    'requests.operation': 'Operation requests',
    'requests.emergency': 'of which after acting (emergency)',
    'decisions.approved.collection': 'Collection approved',
    'decisions.denied.collection': 'Collection denied',
    'decisions.approved.operation': 'Operations approved',
    'decisions.denied.operation': 'Operations denied',
    'decisions.votesCast': 'Votes cast',
    'decisions.pendingAtYearEnd': 'Pending at the end of the year',
    'operations.executed': 'Operations executed',
    'operations.byMeasure.access': enMeasure('access'),
    'operations.byMeasure.collect-evidence': enMeasure('collect-evidence'),
    'operations.byMeasure.disable-malware': enMeasure('disable-malware'),
    'operations.byMeasure.block-c2-communication': enMeasure('block-c2-communication'),
    'operations.byMeasure.take-down': enMeasure('take-down'),
    'operations.abroad': 'Targets abroad',
    'operations.reported': 'Operations reported',
    'emergencyNotifications.executed': 'Executed on the emergency path',
    'emergencyNotifications.onTime': 'Notified on time',
    'emergencyNotifications.late': 'Notified late',
    'emergencyNotifications.missed': 'Missed',
    'emergencyNotifications.outstanding': 'Outstanding',
    'supervision.inspectionsOpened': 'Inspections opened',
    'supervision.inspectionsConcluded.no-issues': 'Inspections concluded: no issues',
    'supervision.inspectionsConcluded.issues-found': 'Inspections concluded: issues found',
    'supervision.recommendationsIssued': 'Recommendations issued',
    'supervision.recommendationsAnswered': 'Recommendations answered',
    'supervision.disciplinaryDemands': 'Disciplinary demands',
    'supervision.disciplinaryActionsReported': 'Disciplinary actions reported',
    'agreements.proposed': 'Agreements proposed',
    'agreements.accepted': 'Agreements accepted',
    'agreements.declined': 'Agreements declined',
    'agreements.ended': 'Agreements ended',
  },
  unknownMeasure: (m) => `Measure: ${m}`,
  date: inJapan('en-GB'),
  documentTitle: (year) => `Annual report of the oversight commission, ${year}`,
  author: 'Cyber Communications Information Supervisory Commission',
  subject: 'Report to the Diet under the Active Cyber Defense Act (Act No. 42 of 2025)',
  title: (year) => `Annual report to the Diet, ${year}`,
  period: (from, to) => `Period: ${from} to ${to} (the calendar year in Japan)`,
  generated: (at) => `Generated: ${at}`,
  computedFrom: (events, topic) =>
    `Computed from the event log (${events} oversight events read from ${topic}), not from any read model.`,
  reconciliation: 'Reconciliation with the audit log',
  reconciled: (entries) =>
    `Reconciled: every figure above is the same when computed from the audit log's ${entries} copies of these events.`,
  notReconciled: 'NOT RECONCILED: the event log and the audit log disagree (below).',
  treeHead: (size, keyId, signed) =>
    `Audit log signed tree head: size ${size}, key ${keyId}, signed ${signed}`,
  difference: (figure, _label, eventLog, auditLog) =>
    `Figure ${figure}: event log ${eventLog}, audit log ${auditLog}`,
  missingFromAuditLog: (id) => `Event ${id} is on the event log, not on the audit log`,
  missingFromEventLog: (id) => `Event ${id} is on the audit log, not on the event log`,
  undecodable: (n) => `${n} records of the event log could not be decoded`,
};

/** The measures as the Act names them (アクセス・無害化措置). */
const jaMeasure: Record<OperationMeasure, string> = {
  access: 'アクセス',
  'collect-evidence': '証拠の収集',
  'disable-malware': '不正プログラムの無害化',
  'block-c2-communication': '指令通信の遮断',
  'take-down': 'サーバの停止',
};

const ja: ReportCatalogue = {
  sections: {
    requests: '承認の求め',
    decisions: '監理委員会の決定',
    operations: '実施されたアクセス・無害化措置（講じた措置別）',
    emergencyNotifications: '緊急時の事後通知',
    supervision: '立入検査・勧告・懲戒処分の要求',
    agreements: '当事者協定',
  },
  rows: {
    'requests.collection': '通信情報の取得の承認の求め',
    'requests.operation': 'アクセス・無害化措置の承認の求め',
    'requests.emergency': 'うち措置後のもの（緊急時）',
    'decisions.approved.collection': '通信情報の取得：承認',
    'decisions.denied.collection': '通信情報の取得：不承認',
    'decisions.approved.operation': 'アクセス・無害化措置：承認',
    'decisions.denied.operation': 'アクセス・無害化措置：不承認',
    'decisions.votesCast': '委員の投票数',
    'decisions.pendingAtYearEnd': '年末時点で未決定',
    'operations.executed': '実施された措置',
    'operations.byMeasure.access': `措置：${jaMeasure.access}`,
    'operations.byMeasure.collect-evidence': `措置：${jaMeasure['collect-evidence']}`,
    'operations.byMeasure.disable-malware': `措置：${jaMeasure['disable-malware']}`,
    'operations.byMeasure.block-c2-communication': `措置：${jaMeasure['block-c2-communication']}`,
    'operations.byMeasure.take-down': `措置：${jaMeasure['take-down']}`,
    'operations.abroad': '国外の対象',
    'operations.reported': '実施の報告があった措置',
    'emergencyNotifications.executed': '緊急時に実施された措置',
    'emergencyNotifications.onTime': '事後通知：期限内',
    'emergencyNotifications.late': '事後通知：期限後',
    'emergencyNotifications.missed': '事後通知：未通知',
    'emergencyNotifications.outstanding': '事後通知：未確定（期限前等）',
    'supervision.inspectionsOpened': '立入検査の開始',
    'supervision.inspectionsConcluded.no-issues': '検査の終結：問題なし',
    'supervision.inspectionsConcluded.issues-found': '検査の終結：問題あり',
    'supervision.recommendationsIssued': '勧告',
    'supervision.recommendationsAnswered': '勧告に対する回答',
    'supervision.disciplinaryDemands': '懲戒処分の要求',
    'supervision.disciplinaryActionsReported': '懲戒処分の報告',
    'agreements.proposed': '当事者協定の申入れ',
    'agreements.accepted': '当事者協定の締結',
    'agreements.declined': '当事者協定の拒否',
    'agreements.ended': '当事者協定の終了',
  },
  unknownMeasure: (m) => `措置：${m}`,
  date: inJapan('ja-JP'),
  documentTitle: (year) => `サイバー通信情報監理委員会 年次報告（${year}年）`,
  author: 'サイバー通信情報監理委員会',
  subject:
    '重要電子計算機に対する不正な行為による被害の防止に関する法律（令和7年法律第42号）に基づく国会への報告',
  title: (year) => `国会への年次報告（${year}年）`,
  period: (from, to) => `対象期間：${from} から ${to} まで（日本時間の暦年）`,
  generated: (at) => `作成日時：${at}`,
  computedFrom: (events, topic) =>
    `読み取りモデルではなく、イベントログから算出（${topic} から監理委員会のイベント ${events} 件を読み取り）。`,
  reconciliation: '監査ログとの照合',
  reconciled: (entries) =>
    `照合済み：上記のすべての数値は、監査ログに記録されたこれらのイベントの写し ${entries} 件から算出しても一致します。`,
  notReconciled: '照合不一致：イベントログと監査ログが一致しません（以下のとおり）。',
  treeHead: (size, keyId, signed) =>
    `監査ログの署名付きツリーヘッド：サイズ ${size}、鍵 ${keyId}、署名日時 ${signed}`,
  difference: (figure, label, eventLog, auditLog) =>
    `数値${label ? `「${label}」` : ''}（${figure}）：イベントログ ${eventLog}、監査ログ ${auditLog}`,
  missingFromAuditLog: (id) => `イベント ${id} はイベントログにあり、監査ログにありません`,
  missingFromEventLog: (id) => `イベント ${id} は監査ログにあり、イベントログにありません`,
  undecodable: (n) => `イベントログのレコード ${n} 件を復号できませんでした`,
};

export const REPORT_CATALOGUES: Record<ReportLang, ReportCatalogue> = { en, ja };
