import type { WidgetStrings } from '../localize.ts';

/** The widget's strings in German. */
export const strings: WidgetStrings = {
  title: 'Austrittsgespräch',
  loading: 'Ihr Gespräch wird geladen…',
  mode: { identified: 'Namentlich', confidential: 'Vertraulich', anonymous: 'Anonym' },
  startHeading: 'Ihr Austrittsgespräch',
  startLead:
    'Ein kurzes Gespräch über Ihre Zeit bei uns und Ihre Gründe für den Wechsel. Eine KI stellt die Fragen und kann zu Ihren Antworten nachfragen.',
  whoReadsHeading: 'Wer Ihre Antworten liest',
  whoReads: {
    identified:
      'Die Personalabteilung Ihres Unternehmens liest Ihre Antworten und eine Zusammenfassung, mit Ihrem Namen.',
    confidential:
      'Nur die HR-Administratoren Ihres Unternehmens können Ihr Gespräch und die Zusammenfassung öffnen. Andere mit Zugriff auf Auswertungen sehen zusammengefasste Ergebnisse größerer Gruppen, in denen kurze Zitate ohne Ihren Namen erscheinen können.',
    anonymous:
      'Ihr Name und Ihre Stellendaten werden nicht mit Ihren Antworten gespeichert. Die Personalabteilung liest, was Sie schreiben, ohne zu wissen, dass es von Ihnen ist. Lassen Sie Details weg, die Sie erkennbar machen.',
  },
  durationHeading: 'Wie lange es dauert',
  duration: (minutes) => `Etwa ${minutes} Minuten.`,
  controlHeading: 'Sie entscheiden',
  control:
    'Sie können jede Frage überspringen oder jederzeit aufhören. Alles, was Sie bis dahin geschrieben haben, bleibt erhalten.',
  startButton: 'Gespräch beginnen',
  savedAsYouGo: 'Ihre Antworten werden laufend gespeichert.',
  progress: (covered, total) => `${covered} von ${total} Themen`,
  progressLabel: 'Besprochene Themen',
  transcriptLabel: 'Gesprächsverlauf',
  interviewer: 'Interviewer',
  you: 'Sie',
  inputLabel: 'Ihre Antwort',
  placeholder: 'Ihre Antwort…',
  send: 'Antwort senden',
  skip: 'Frage überspringen',
  finish: 'Vorzeitig beenden',
  hint: 'Eingabe zum Senden · Umschalt+Eingabe für eine neue Zeile',
  charactersLeft: (count) => `Noch ${count} Zeichen`,
  typing: 'Der Interviewer schreibt',
  skipped: 'Sie haben diese Frage übersprungen.',
  finishedEarly: 'Sie haben das Gespräch vorzeitig beendet.',
  sending: 'Wird gesendet…',
  queued: 'Auf diesem Gerät gespeichert. Wird gesendet, sobald Sie wieder online sind.',
  offline:
    'Sie sind offline. Ihre Antwort bleibt auf diesem Gerät und wird gesendet, sobald die Verbindung wieder steht.',
  reconnecting: 'Verbindung unterbrochen. Neuer Versuch…',
  confirmTitle: 'Gespräch jetzt beenden?',
  confirmBody:
    'Ihre bisherigen Antworten bleiben erhalten, aber Sie können das Gespräch später nicht fortsetzen.',
  confirmYes: 'Jetzt beenden',
  confirmNo: 'Weitermachen',
  doneHeading: 'Vielen Dank',
  doneBody: 'Ihre Antworten wurden gespeichert. Danke, dass Sie sich die Zeit genommen haben.',
  doneClose: 'Sie können diese Seite jetzt schließen.',
  unavailableHeading: 'Dieses Gespräch ist nicht verfügbar',
  expired:
    'Dieser Link ist abgelaufen. Wenn Sie trotzdem teilnehmen möchten, wenden Sie sich bitte an Ihre Personalabteilung.',
  invalid:
    'Dieser Link ist ungültig. Prüfen Sie den Link, den Sie erhalten haben, oder wenden Sie sich an Ihre Personalabteilung.',
  unreachable: 'Das Gespräch ist gerade nicht erreichbar. Wir versuchen es weiter.',
  sendFailed:
    'Ihre Antwort konnte nicht gesendet werden. Sie steht wieder im Textfeld, damit Sie es erneut versuchen können.',
};
