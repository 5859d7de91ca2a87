// Every string `<exit-insights>` shows, in en, de, fr and es (all in the bundle: the dashboard is for
// HR staff on a desktop, and switching language must not wait for a download).

/** A dashboard language. */
export type InsightsLocale = 'en' | 'de' | 'fr' | 'es';

/** Every string of the dashboard in one locale. */
export interface InsightsStrings {
  title: string;
  thresholdNote: (minimum: number, quotes: number) => string;
  filtersLabel: string;
  period: string;
  department: string;
  location: string;
  level: string;
  all: string;
  allTime: string;
  notRecorded: string;
  resetFilters: string;
  exportFigures: string;
  exportInterviews: string;
  print: string;
  loading: string;
  refused: string;
  unreachable: string;
  failed: (message: string) => string;
  empty: string;
  withheldSmall: (minimum: number) => string;
  withheldDifferencing: (minimum: number) => string;
  withheldHeading: string;
  tiles: {
    exits: string;
    topReason: string;
    regrettable: string;
    recommend: string;
    recommendHint: string;
    reviewed: (share: string) => string;
  };
  withheld: string;
  withheldHint: (minimum: number) => string;
  withheldList: (labels: string) => string;
  sections: {
    reasons: string;
    breakdown: string;
    trend: string;
    sentiment: string;
    themes: string;
    interviews: string;
  };
  breakdowns: {
    department: string;
    location: string;
    level: string;
    tenureBand: string;
    terminationType: string;
  };
  tenureBands: Record<string, string>;
  sentimentLabels: { negative: string; neutral: string; positive: string };
  net: string;
  answered: (count: number) => string;
  quotesWithheld: (quotes: number) => string;
  people: (count: number) => string;
  columns: { item: string; people: string; share: string; month: string; exits: string };
  showTable: string;
  chartSummary: (title: string) => string;
  listColumns: {
    /** The day it was completed, or created when it is not completed. */
    date: string;
    status: string;
    mode: string;
    department: string;
    reason: string;
    regrettable: string;
    report: string;
  };
  modes: { identified: string; confidential: string; anonymous: string };
  statuses: Record<string, string>;
  openReport: string;
  /** Opens an interview without a report (admin role, once the conversation is over) for its transcript. */
  openTranscript: string;
  adminsOnly: string;
  noReport: string;
  confirmedBadge: string;
  noInterviews: string;
  showMore: string;
  listCount: (shown: number, total: number) => string;
  /** The list holds only the newest interviews so far ("Show more" fetches older ones). */
  listCountNewest: (shown: number) => string;
  yes: string;
  no: string;
  report: {
    heading: string;
    /** The dialog's heading for an interview without a report (its transcript only). */
    headingNoReport: string;
    aiGenerated: string;
    offline: string;
    degraded: string;
    anonymised: string;
    anonymous: string;
    summary: string;
    reasons: string;
    primary: string;
    secondary: string;
    evidence: string;
    topics: string;
    outlook: string;
    wouldReturn: string;
    wouldRecommend: string;
    outlooks: { yes: string; no: string; maybe: string; unknown: string };
    regrettable: string;
    regrettableSignals: string;
    actions: string;
    keyQuotes: string;
    review: string;
    reviewLead: string;
    confirmedReason: string;
    regrettableLabel: string;
    asReport: (value: string) => string;
    save: string;
    saving: string;
    saved: string;
    readOnly: string;
    history: string;
    historyEntry: (who: string, when: string) => string;
    close: string;
    loading: string;
    transcript: string;
    transcriptLead: string;
    showTranscript: string;
    transcriptLoading: string;
    transcriptEmpty: string;
    interviewer: string;
    employee: string;
    declined: string;
    degradedQuestion: string;
    interviewId: string;
  };
}

const en: InsightsStrings = {
  title: 'Exit insights',
  thresholdNote: (minimum, quotes) =>
    `Every figure covers at least ${minimum} people, and quotes at least ${quotes}. Smaller groups are withheld, never shown as zero.`,
  filtersLabel: 'Filters',
  period: 'Period',
  department: 'Department',
  location: 'Location',
  level: 'Level',
  all: 'All',
  allTime: 'All time',
  notRecorded: 'Not recorded',
  resetFilters: 'Reset filters',
  exportFigures: 'Export figures (CSV)',
  exportInterviews: 'Export interview list (CSV)',
  print: 'Print report',
  loading: 'Loading insights…',
  refused: 'The admin token was refused: it may have expired. Sign in again to get a new one.',
  unreachable: 'The ExitBot server could not be reached. Check your connection and try again.',
  failed: (message) => `Something went wrong: ${message}`,
  empty: 'No completed interviews in this view yet.',
  withheldHeading: 'This view is withheld to protect anonymity',
  withheldSmall: (minimum) =>
    `Fewer than ${minimum} people left in this group, so no figures are shown. Widen the period or remove a filter.`,
  withheldDifferencing: (minimum) =>
    `Compared with a broader view, this one would single out fewer than ${minimum} people, so no figures are shown. Widen the period or remove a filter.`,
  tiles: {
    exits: 'Exit interviews',
    topReason: 'Top reason',
    regrettable: 'Regrettable losses',
    recommend: 'Would recommend us',
    recommendHint: 'Yes minus no, of those who answered',
    reviewed: (share) => `${share} reviewed by HR`,
  },
  withheld: 'Withheld',
  withheldHint: (minimum) => `fewer than ${minimum} people`,
  withheldList: (labels) => `Withheld to protect anonymity: ${labels}.`,
  sections: {
    reasons: 'Why people leave',
    breakdown: 'Where people leave',
    trend: 'Exits over time',
    sentiment: 'How people felt about each topic',
    themes: 'Themes in their own words',
    interviews: 'Interviews',
  },
  breakdowns: {
    department: 'Department',
    location: 'Location',
    level: 'Level',
    tenureBand: 'Tenure',
    terminationType: 'Termination type',
  },
  tenureBands: {
    'under-1y': 'Under 1 year',
    '1-2y': '1–2 years',
    '2-5y': '2–5 years',
    '5-10y': '5–10 years',
    '10y-plus': '10 years or more',
  },
  sentimentLabels: { negative: 'Negative', neutral: 'Neutral', positive: 'Positive' },
  net: 'Net',
  answered: (count) => `${count} answered`,
  quotesWithheld: (quotes) => `Quotes appear once at least ${quotes} people name this theme.`,
  people: (count) => (count === 1 ? '1 person' : `${count} people`),
  columns: { item: 'Item', people: 'People', share: 'Share', month: 'Month', exits: 'Exits' },
  showTable: 'Show the figures as a table',
  chartSummary: (title) => `Chart: ${title}. The table below has the same figures.`,
  listColumns: {
    date: 'Date',
    status: 'Status',
    mode: 'Mode',
    department: 'Department',
    reason: 'Primary reason',
    regrettable: 'Regrettable',
    report: 'Report',
  },
  modes: { identified: 'Identified', confidential: 'Confidential', anonymous: 'Anonymous' },
  statuses: {
    invited: 'Invited',
    active: 'In progress',
    ending: 'Writing report',
    completed: 'Completed',
    expired: 'Expired',
    erased: 'Erased',
  },
  openReport: 'Open report',
  openTranscript: 'Transcript',
  adminsOnly: 'Admins only',
  noReport: 'No report yet',
  confirmedBadge: 'HR confirmed',
  noInterviews: 'No interviews yet.',
  showMore: 'Show more',
  listCount: (shown, total) => `Showing ${shown} of ${total} (newest first). The CSV export has them all.`,
  listCountNewest: (shown) => `Showing the ${shown} newest. The CSV export has them all.`,
  yes: 'Yes',
  no: 'No',
  report: {
    heading: 'Interview report',
    headingNoReport: 'Interview',
    aiGenerated: 'AI-generated report',
    offline: 'Offline report (written without AI)',
    degraded: 'The AI model was unavailable, so this report was written offline from keywords.',
    anonymised: 'The free text of this report was removed by the retention policy; the figures remain.',
    anonymous: 'Anonymous interview: no name or job details are stored.',
    summary: 'Summary',
    reasons: 'Reasons for leaving',
    primary: 'Primary reason',
    secondary: 'Also mentioned',
    evidence: 'In their words',
    topics: 'Sentiment by topic',
    outlook: 'Outlook',
    wouldReturn: 'Would return',
    wouldRecommend: 'Would recommend us',
    outlooks: { yes: 'Yes', no: 'No', maybe: 'Maybe', unknown: 'Not said' },
    regrettable: 'Regrettable loss',
    regrettableSignals: 'Signals',
    actions: 'Suggested actions',
    keyQuotes: 'Key quotes',
    review: 'HR review',
    reviewLead: 'Confirm or correct what the report says. The figures use the confirmed values.',
    confirmedReason: 'Primary reason',
    regrettableLabel: 'Regrettable loss',
    asReport: (value) => `As in the report (${value})`,
    save: 'Save review',
    saving: 'Saving…',
    saved: 'Review saved. The figures now use the confirmed values.',
    readOnly: 'Only the admin role can change the review.',
    history: 'Review history',
    historyEntry: (who, when) => `${who}, ${when}`,
    close: 'Close',
    loading: 'Loading the report…',
    transcript: 'Transcript',
    transcriptLead: 'What was said, word for word. Each reading is recorded in the audit log.',
    showTranscript: 'Show the transcript',
    transcriptLoading: 'Loading the transcript…',
    transcriptEmpty: 'No messages are stored for this interview.',
    interviewer: 'Interviewer',
    employee: 'Employee',
    declined: 'Skipped this question',
    degradedQuestion: 'Asked by the scripted fallback: the AI model was unavailable.',
    interviewId: 'Interview ID',
  },
};

const de: InsightsStrings = {
  title: 'Austritts-Insights',
  thresholdNote: (minimum, quotes) =>
    `Jede Zahl umfasst mindestens ${minimum} Personen, Zitate mindestens ${quotes}. Kleinere Gruppen werden ausgeblendet, nie als Null gezeigt.`,
  filtersLabel: 'Filter',
  period: 'Zeitraum',
  department: 'Abteilung',
  location: 'Standort',
  level: 'Ebene',
  all: 'Alle',
  allTime: 'Gesamter Zeitraum',
  notRecorded: 'Nicht erfasst',
  resetFilters: 'Filter zurücksetzen',
  exportFigures: 'Zahlen exportieren (CSV)',
  exportInterviews: 'Gesprächsliste exportieren (CSV)',
  print: 'Bericht drucken',
  loading: 'Insights werden geladen…',
  refused: 'Das Admin-Token wurde abgelehnt, vermutlich ist es abgelaufen. Melden Sie sich erneut an.',
  unreachable:
    'Der ExitBot-Server ist nicht erreichbar. Prüfen Sie die Verbindung und versuchen Sie es erneut.',
  failed: (message) => `Etwas ist schiefgelaufen: ${message}`,
  empty: 'In dieser Ansicht gibt es noch keine abgeschlossenen Gespräche.',
  withheldHeading: 'Diese Ansicht ist zum Schutz der Anonymität ausgeblendet',
  withheldSmall: (minimum) =>
    `In dieser Gruppe haben weniger als ${minimum} Personen das Unternehmen verlassen, daher werden keine Zahlen gezeigt. Wählen Sie einen längeren Zeitraum oder entfernen Sie einen Filter.`,
  withheldDifferencing: (minimum) =>
    `Im Vergleich mit einer breiteren Ansicht ließen sich hier weniger als ${minimum} Personen herausrechnen, daher werden keine Zahlen gezeigt. Wählen Sie einen längeren Zeitraum oder entfernen Sie einen Filter.`,
  tiles: {
    exits: 'Austrittsgespräche',
    topReason: 'Häufigster Grund',
    regrettable: 'Bedauerliche Abgänge',
    recommend: 'Würden uns empfehlen',
    recommendHint: 'Ja minus Nein, unter denen, die geantwortet haben',
    reviewed: (share) => `${share} von HR geprüft`,
  },
  withheld: 'Ausgeblendet',
  withheldHint: (minimum) => `weniger als ${minimum} Personen`,
  withheldList: (labels) => `Zum Schutz der Anonymität ausgeblendet: ${labels}.`,
  sections: {
    reasons: 'Warum Menschen gehen',
    breakdown: 'Wo Menschen gehen',
    trend: 'Austritte im Zeitverlauf',
    sentiment: 'Stimmung je Thema',
    themes: 'Themen in eigenen Worten',
    interviews: 'Gespräche',
  },
  breakdowns: {
    department: 'Abteilung',
    location: 'Standort',
    level: 'Ebene',
    tenureBand: 'Betriebszugehörigkeit',
    terminationType: 'Art der Beendigung',
  },
  tenureBands: {
    'under-1y': 'Unter 1 Jahr',
    '1-2y': '1–2 Jahre',
    '2-5y': '2–5 Jahre',
    '5-10y': '5–10 Jahre',
    '10y-plus': '10 Jahre oder mehr',
  },
  sentimentLabels: { negative: 'Negativ', neutral: 'Neutral', positive: 'Positiv' },
  net: 'Saldo',
  answered: (count) => `${count} Antworten`,
  quotesWithheld: (quotes) => `Zitate erscheinen, sobald mindestens ${quotes} Personen dieses Thema nennen.`,
  people: (count) => (count === 1 ? '1 Person' : `${count} Personen`),
  columns: { item: 'Eintrag', people: 'Personen', share: 'Anteil', month: 'Monat', exits: 'Austritte' },
  showTable: 'Zahlen als Tabelle zeigen',
  chartSummary: (title) => `Diagramm: ${title}. Die Tabelle darunter enthält dieselben Zahlen.`,
  listColumns: {
    date: 'Datum',
    status: 'Status',
    mode: 'Modus',
    department: 'Abteilung',
    reason: 'Hauptgrund',
    regrettable: 'Bedauerlich',
    report: 'Bericht',
  },
  modes: { identified: 'Namentlich', confidential: 'Vertraulich', anonymous: 'Anonym' },
  statuses: {
    invited: 'Eingeladen',
    active: 'Läuft',
    ending: 'Bericht entsteht',
    completed: 'Abgeschlossen',
    expired: 'Abgelaufen',
    erased: 'Gelöscht',
  },
  openReport: 'Bericht öffnen',
  openTranscript: 'Gesprächsverlauf',
  adminsOnly: 'Nur Admins',
  noReport: 'Noch kein Bericht',
  confirmedBadge: 'Von HR bestätigt',
  noInterviews: 'Noch keine Gespräche.',
  showMore: 'Mehr anzeigen',
  listCount: (shown, total) => `${shown} von ${total} (neueste zuerst). Der CSV-Export enthält alle.`,
  listCountNewest: (shown) => `Die ${shown} neuesten. Der CSV-Export enthält alle.`,
  yes: 'Ja',
  no: 'Nein',
  report: {
    heading: 'Gesprächsbericht',
    headingNoReport: 'Interview',
    aiGenerated: 'KI-generierter Bericht',
    offline: 'Offline-Bericht (ohne KI erstellt)',
    degraded:
      'Das KI-Modell war nicht erreichbar, daher wurde dieser Bericht offline anhand von Schlüsselwörtern erstellt.',
    anonymised: 'Der Freitext dieses Berichts wurde gemäß Aufbewahrungsfrist entfernt; die Zahlen bleiben.',
    anonymous: 'Anonymes Gespräch: Es sind weder Name noch Stellendaten gespeichert.',
    summary: 'Zusammenfassung',
    reasons: 'Gründe für den Weggang',
    primary: 'Hauptgrund',
    secondary: 'Außerdem genannt',
    evidence: 'In eigenen Worten',
    topics: 'Stimmung je Thema',
    outlook: 'Ausblick',
    wouldReturn: 'Würde zurückkehren',
    wouldRecommend: 'Würde uns empfehlen',
    outlooks: { yes: 'Ja', no: 'Nein', maybe: 'Vielleicht', unknown: 'Nicht gesagt' },
    regrettable: 'Bedauerlicher Abgang',
    regrettableSignals: 'Hinweise',
    actions: 'Empfohlene Maßnahmen',
    keyQuotes: 'Wichtige Zitate',
    review: 'Prüfung durch HR',
    reviewLead:
      'Bestätigen oder korrigieren Sie die Angaben des Berichts. Die Zahlen verwenden die bestätigten Werte.',
    confirmedReason: 'Hauptgrund',
    regrettableLabel: 'Bedauerlicher Abgang',
    asReport: (value) => `Wie im Bericht (${value})`,
    save: 'Prüfung speichern',
    saving: 'Wird gespeichert…',
    saved: 'Prüfung gespeichert. Die Zahlen verwenden jetzt die bestätigten Werte.',
    readOnly: 'Nur die Rolle Admin kann die Prüfung ändern.',
    history: 'Verlauf der Prüfung',
    historyEntry: (who, when) => `${who}, ${when}`,
    close: 'Schließen',
    loading: 'Bericht wird geladen…',
    transcript: 'Gesprächsverlauf',
    transcriptLead: 'Was gesagt wurde, Wort für Wort. Jedes Lesen wird im Audit-Log festgehalten.',
    showTranscript: 'Gesprächsverlauf anzeigen',
    transcriptLoading: 'Gesprächsverlauf wird geladen…',
    transcriptEmpty: 'Zu diesem Interview sind keine Nachrichten gespeichert.',
    interviewer: 'Interviewer',
    employee: 'Mitarbeitende Person',
    declined: 'Hat diese Frage übersprungen',
    degradedQuestion: 'Vom Skript-Ersatz gestellt: Das KI-Modell war nicht erreichbar.',
    interviewId: 'Interview-ID',
  },
};

const fr: InsightsStrings = {
  title: 'Analyse des départs',
  thresholdNote: (minimum, quotes) =>
    `Chaque chiffre porte sur au moins ${minimum} personnes, et les citations sur au moins ${quotes}. Les groupes plus petits sont masqués, jamais affichés comme zéro.`,
  filtersLabel: 'Filtres',
  period: 'Période',
  department: 'Service',
  location: 'Site',
  level: 'Niveau',
  all: 'Tous',
  allTime: 'Toute la période',
  notRecorded: 'Non renseigné',
  resetFilters: 'Réinitialiser les filtres',
  exportFigures: 'Exporter les chiffres (CSV)',
  exportInterviews: 'Exporter la liste des entretiens (CSV)',
  print: 'Imprimer le rapport',
  loading: 'Chargement de l’analyse…',
  refused:
    'Le jeton administrateur a été refusé : il a peut-être expiré. Reconnectez-vous pour en obtenir un nouveau.',
  unreachable: 'Le serveur ExitBot est injoignable. Vérifiez votre connexion et réessayez.',
  failed: (message) => `Une erreur est survenue : ${message}`,
  empty: 'Aucun entretien terminé dans cette vue pour l’instant.',
  withheldHeading: 'Cette vue est masquée pour protéger l’anonymat',
  withheldSmall: (minimum) =>
    `Moins de ${minimum} personnes sont parties dans ce groupe, aucun chiffre n’est donc affiché. Élargissez la période ou retirez un filtre.`,
  withheldDifferencing: (minimum) =>
    `Comparée à une vue plus large, celle-ci isolerait moins de ${minimum} personnes, aucun chiffre n’est donc affiché. Élargissez la période ou retirez un filtre.`,
  tiles: {
    exits: 'Entretiens de départ',
    topReason: 'Motif principal',
    regrettable: 'Départs regrettables',
    recommend: 'Nous recommanderaient',
    recommendHint: 'Oui moins non, parmi ceux qui ont répondu',
    reviewed: (share) => `${share} vérifiés par les RH`,
  },
  withheld: 'Masqué',
  withheldHint: (minimum) => `moins de ${minimum} personnes`,
  withheldList: (labels) => `Masqués pour protéger l’anonymat : ${labels}.`,
  sections: {
    reasons: 'Pourquoi les gens partent',
    breakdown: 'Où les gens partent',
    trend: 'Départs dans le temps',
    sentiment: 'Ressenti par thème',
    themes: 'Les thèmes dans leurs mots',
    interviews: 'Entretiens',
  },
  breakdowns: {
    department: 'Service',
    location: 'Site',
    level: 'Niveau',
    tenureBand: 'Ancienneté',
    terminationType: 'Type de départ',
  },
  tenureBands: {
    'under-1y': 'Moins d’un an',
    '1-2y': '1 à 2 ans',
    '2-5y': '2 à 5 ans',
    '5-10y': '5 à 10 ans',
    '10y-plus': '10 ans ou plus',
  },
  sentimentLabels: { negative: 'Négatif', neutral: 'Neutre', positive: 'Positif' },
  net: 'Solde',
  answered: (count) => `${count} réponses`,
  quotesWithheld: (quotes) =>
    `Les citations apparaissent dès qu’au moins ${quotes} personnes citent ce thème.`,
  people: (count) => (count === 1 ? '1 personne' : `${count} personnes`),
  columns: { item: 'Élément', people: 'Personnes', share: 'Part', month: 'Mois', exits: 'Départs' },
  showTable: 'Afficher les chiffres sous forme de tableau',
  chartSummary: (title) => `Graphique : ${title}. Le tableau ci-dessous contient les mêmes chiffres.`,
  listColumns: {
    date: 'Date',
    status: 'Statut',
    mode: 'Mode',
    department: 'Service',
    reason: 'Motif principal',
    regrettable: 'Regrettable',
    report: 'Rapport',
  },
  modes: { identified: 'Nominatif', confidential: 'Confidentiel', anonymous: 'Anonyme' },
  statuses: {
    invited: 'Invité',
    active: 'En cours',
    ending: 'Rapport en cours',
    completed: 'Terminé',
    expired: 'Expiré',
    erased: 'Effacé',
  },
  openReport: 'Ouvrir le rapport',
  openTranscript: 'Transcription',
  adminsOnly: 'Admins uniquement',
  noReport: 'Pas encore de rapport',
  confirmedBadge: 'Confirmé par les RH',
  noInterviews: 'Aucun entretien pour l’instant.',
  showMore: 'Afficher plus',
  listCount: (shown, total) =>
    `${shown} sur ${total} (les plus récents d’abord). L’export CSV les contient tous.`,
  listCountNewest: (shown) => `Les ${shown} plus récents. L’export CSV les contient tous.`,
  yes: 'Oui',
  no: 'Non',
  report: {
    heading: 'Rapport d’entretien',
    headingNoReport: 'Entretien',
    aiGenerated: 'Rapport généré par IA',
    offline: 'Rapport hors ligne (rédigé sans IA)',
    degraded: 'Le modèle d’IA était indisponible : ce rapport a été rédigé hors ligne à partir de mots-clés.',
    anonymised:
      'Le texte libre de ce rapport a été supprimé selon la durée de conservation ; les chiffres restent.',
    anonymous: 'Entretien anonyme : ni nom ni données de poste ne sont conservés.',
    summary: 'Résumé',
    reasons: 'Motifs du départ',
    primary: 'Motif principal',
    secondary: 'Également mentionné',
    evidence: 'Dans leurs mots',
    topics: 'Ressenti par thème',
    outlook: 'Perspectives',
    wouldReturn: 'Reviendrait',
    wouldRecommend: 'Nous recommanderait',
    outlooks: { yes: 'Oui', no: 'Non', maybe: 'Peut-être', unknown: 'Non précisé' },
    regrettable: 'Départ regrettable',
    regrettableSignals: 'Indices',
    actions: 'Actions suggérées',
    keyQuotes: 'Citations clés',
    review: 'Vérification RH',
    reviewLead: 'Confirmez ou corrigez ce que dit le rapport. Les chiffres utilisent les valeurs confirmées.',
    confirmedReason: 'Motif principal',
    regrettableLabel: 'Départ regrettable',
    asReport: (value) => `Comme dans le rapport (${value})`,
    save: 'Enregistrer la vérification',
    saving: 'Enregistrement…',
    saved: 'Vérification enregistrée. Les chiffres utilisent désormais les valeurs confirmées.',
    readOnly: 'Seul le rôle administrateur peut modifier la vérification.',
    history: 'Historique des vérifications',
    historyEntry: (who, when) => `${who}, ${when}`,
    close: 'Fermer',
    loading: 'Chargement du rapport…',
    transcript: 'Transcription',
    transcriptLead: 'Ce qui a été dit, mot pour mot. Chaque lecture est consignée dans le journal d’audit.',
    showTranscript: 'Afficher la transcription',
    transcriptLoading: 'Chargement de la transcription…',
    transcriptEmpty: 'Aucun message n’est enregistré pour cet entretien.',
    interviewer: 'Intervieweur',
    employee: 'Salarié',
    declined: 'A passé cette question',
    degradedQuestion: 'Posée par le script de secours : le modèle d’IA était indisponible.',
    interviewId: 'ID de l’entretien',
  },
};

const es: InsightsStrings = {
  title: 'Análisis de salidas',
  thresholdNote: (minimum, quotes) =>
    `Cada cifra abarca al menos ${minimum} personas, y las citas al menos ${quotes}. Los grupos más pequeños se ocultan, nunca se muestran como cero.`,
  filtersLabel: 'Filtros',
  period: 'Periodo',
  department: 'Departamento',
  location: 'Sede',
  level: 'Nivel',
  all: 'Todos',
  allTime: 'Todo el periodo',
  notRecorded: 'No registrado',
  resetFilters: 'Restablecer filtros',
  exportFigures: 'Exportar cifras (CSV)',
  exportInterviews: 'Exportar lista de entrevistas (CSV)',
  print: 'Imprimir informe',
  loading: 'Cargando el análisis…',
  refused:
    'El token de administración fue rechazado: puede haber caducado. Vuelva a iniciar sesión para obtener uno nuevo.',
  unreachable: 'No se pudo contactar con el servidor de ExitBot. Compruebe la conexión e inténtelo de nuevo.',
  failed: (message) => `Algo salió mal: ${message}`,
  empty: 'Todavía no hay entrevistas terminadas en esta vista.',
  withheldHeading: 'Esta vista se oculta para proteger el anonimato',
  withheldSmall: (minimum) =>
    `Menos de ${minimum} personas se fueron en este grupo, así que no se muestran cifras. Amplíe el periodo o quite un filtro.`,
  withheldDifferencing: (minimum) =>
    `Comparada con una vista más amplia, esta permitiría aislar a menos de ${minimum} personas, así que no se muestran cifras. Amplíe el periodo o quite un filtro.`,
  tiles: {
    exits: 'Entrevistas de salida',
    topReason: 'Motivo principal',
    regrettable: 'Salidas lamentables',
    recommend: 'Nos recomendarían',
    recommendHint: 'Sí menos no, entre quienes respondieron',
    reviewed: (share) => `${share} revisadas por RR. HH.`,
  },
  withheld: 'Oculto',
  withheldHint: (minimum) => `menos de ${minimum} personas`,
  withheldList: (labels) => `Ocultos para proteger el anonimato: ${labels}.`,
  sections: {
    reasons: 'Por qué se va la gente',
    breakdown: 'Dónde se va la gente',
    trend: 'Salidas a lo largo del tiempo',
    sentiment: 'Percepción por tema',
    themes: 'Temas en sus propias palabras',
    interviews: 'Entrevistas',
  },
  breakdowns: {
    department: 'Departamento',
    location: 'Sede',
    level: 'Nivel',
    tenureBand: 'Antigüedad',
    terminationType: 'Tipo de salida',
  },
  tenureBands: {
    'under-1y': 'Menos de 1 año',
    '1-2y': '1–2 años',
    '2-5y': '2–5 años',
    '5-10y': '5–10 años',
    '10y-plus': '10 años o más',
  },
  sentimentLabels: { negative: 'Negativo', neutral: 'Neutral', positive: 'Positivo' },
  net: 'Saldo',
  answered: (count) => `${count} respuestas`,
  quotesWithheld: (quotes) => `Las citas aparecen cuando al menos ${quotes} personas mencionan este tema.`,
  people: (count) => (count === 1 ? '1 persona' : `${count} personas`),
  columns: { item: 'Elemento', people: 'Personas', share: 'Proporción', month: 'Mes', exits: 'Salidas' },
  showTable: 'Mostrar las cifras como tabla',
  chartSummary: (title) => `Gráfico: ${title}. La tabla de abajo tiene las mismas cifras.`,
  listColumns: {
    date: 'Fecha',
    status: 'Estado',
    mode: 'Modo',
    department: 'Departamento',
    reason: 'Motivo principal',
    regrettable: 'Lamentable',
    report: 'Informe',
  },
  modes: { identified: 'Identificada', confidential: 'Confidencial', anonymous: 'Anónima' },
  statuses: {
    invited: 'Invitada',
    active: 'En curso',
    ending: 'Generando informe',
    completed: 'Terminada',
    expired: 'Caducada',
    erased: 'Borrada',
  },
  openReport: 'Abrir informe',
  openTranscript: 'Transcripción',
  adminsOnly: 'Solo administradores',
  noReport: 'Aún sin informe',
  confirmedBadge: 'Confirmado por RR. HH.',
  noInterviews: 'Todavía no hay entrevistas.',
  showMore: 'Mostrar más',
  listCount: (shown, total) =>
    `${shown} de ${total} (las más recientes primero). La exportación CSV las incluye todas.`,
  listCountNewest: (shown) => `Las ${shown} más recientes. La exportación CSV las incluye todas.`,
  yes: 'Sí',
  no: 'No',
  report: {
    heading: 'Informe de la entrevista',
    headingNoReport: 'Entrevista',
    aiGenerated: 'Informe generado por IA',
    offline: 'Informe sin conexión (redactado sin IA)',
    degraded:
      'El modelo de IA no estaba disponible, así que este informe se redactó sin conexión a partir de palabras clave.',
    anonymised:
      'El texto libre de este informe se eliminó según el plazo de conservación; las cifras se mantienen.',
    anonymous: 'Entrevista anónima: no se guardan ni el nombre ni los datos del puesto.',
    summary: 'Resumen',
    reasons: 'Motivos de la salida',
    primary: 'Motivo principal',
    secondary: 'También mencionado',
    evidence: 'En sus palabras',
    topics: 'Percepción por tema',
    outlook: 'Perspectiva',
    wouldReturn: 'Volvería',
    wouldRecommend: 'Nos recomendaría',
    outlooks: { yes: 'Sí', no: 'No', maybe: 'Quizás', unknown: 'No lo dijo' },
    regrettable: 'Salida lamentable',
    regrettableSignals: 'Indicios',
    actions: 'Acciones sugeridas',
    keyQuotes: 'Citas clave',
    review: 'Revisión de RR. HH.',
    reviewLead: 'Confirme o corrija lo que dice el informe. Las cifras usan los valores confirmados.',
    confirmedReason: 'Motivo principal',
    regrettableLabel: 'Salida lamentable',
    asReport: (value) => `Como en el informe (${value})`,
    save: 'Guardar revisión',
    saving: 'Guardando…',
    saved: 'Revisión guardada. Las cifras usan ahora los valores confirmados.',
    readOnly: 'Solo el rol de administración puede cambiar la revisión.',
    history: 'Historial de revisiones',
    historyEntry: (who, when) => `${who}, ${when}`,
    close: 'Cerrar',
    loading: 'Cargando el informe…',
    transcript: 'Transcripción',
    transcriptLead:
      'Lo que se dijo, palabra por palabra. Cada lectura queda registrada en el registro de auditoría.',
    showTranscript: 'Mostrar la transcripción',
    transcriptLoading: 'Cargando la transcripción…',
    transcriptEmpty: 'No hay mensajes guardados de esta entrevista.',
    interviewer: 'Entrevistador',
    employee: 'Persona empleada',
    declined: 'Omitió esta pregunta',
    degradedQuestion: 'La formuló el guion de respaldo: el modelo de IA no estaba disponible.',
    interviewId: 'ID de la entrevista',
  },
};

const strings: Record<InsightsLocale, InsightsStrings> = { en, de, fr, es };

/** The dashboard locale for a `lang` value ('de-AT' -> 'de'); English when unknown. */
export function resolveInsightsLocale(lang: string | null | undefined): InsightsLocale {
  const base = (lang ?? '').toLowerCase().split(/[-_]/)[0];
  return base === 'de' || base === 'fr' || base === 'es' ? base : 'en';
}

/** The strings of a locale. */
export function insightsStringsFor(locale: InsightsLocale): InsightsStrings {
  return strings[locale];
}

/** A text in the locale, falling back to English. */
export function pick(
  text: ({ en: string } & Partial<Record<InsightsLocale, string>>) | undefined,
  locale: InsightsLocale,
  fallback: string,
): string {
  return text?.[locale] ?? text?.en ?? fallback;
}

/** A period key ('all', '2025', '2025-Q3', '2025-08') as people read it. */
export function formatPeriod(period: string, locale: InsightsLocale, allTime: string): string {
  if (period === 'all') return allTime;
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  // Trimestre in French and Spanish, Quartal/quarter in German and English.
  if (quarter) return `${locale === 'fr' || locale === 'es' ? 'T' : 'Q'}${quarter[2]} ${quarter[1]}`;
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month) {
    const date = new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 15));
    return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
  }
  return period;
}

/** A month key ('2025-08') in short form for chart axes. */
export function formatMonthShort(month: string, locale: InsightsLocale): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return month;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 15));
  return new Intl.DateTimeFormat(locale, { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(date);
}
