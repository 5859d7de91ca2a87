import type { WidgetStrings } from '../localize.ts';

/** The widget's strings in French. */
export const strings: WidgetStrings = {
  title: 'Entretien de départ',
  loading: 'Chargement de votre entretien…',
  mode: { identified: 'Nominatif', confidential: 'Confidentiel', anonymous: 'Anonyme' },
  startHeading: 'Votre entretien de départ',
  startLead:
    'Une courte conversation sur votre expérience chez nous et les raisons de votre départ. Une IA pose les questions et peut vous demander des précisions.',
  whoReadsHeading: 'Qui lit vos réponses',
  whoReads: {
    identified: 'Les RH de votre entreprise lisent vos réponses et leur synthèse, avec votre nom.',
    confidential:
      'Seuls les administrateurs RH de votre entreprise peuvent ouvrir votre entretien et sa synthèse. Les autres personnes ayant accès aux rapports voient des résultats regroupés sur des groupes plus larges, où de courtes citations peuvent apparaître sans votre nom.',
    anonymous:
      'Votre nom et les informations sur votre poste ne sont pas enregistrés avec vos réponses. Les RH lisent ce que vous écrivez sans savoir que cela vient de vous : évitez les détails qui permettraient de vous reconnaître.',
  },
  durationHeading: 'Durée',
  duration: (minutes) => `Environ ${minutes} minutes.`,
  controlHeading: 'Vous décidez',
  control:
    'Vous pouvez passer n’importe quelle question ou arrêter quand vous le souhaitez. Tout ce que vous avez écrit est conservé.',
  startButton: 'Commencer l’entretien',
  savedAsYouGo: 'Vos réponses sont enregistrées au fur et à mesure.',
  progress: (covered, total) => `${covered} sur ${total} thèmes`,
  progressLabel: 'Thèmes abordés',
  transcriptLabel: 'Conversation',
  interviewer: 'Interviewer',
  you: 'Vous',
  inputLabel: 'Votre réponse',
  placeholder: 'Écrivez votre réponse…',
  send: 'Envoyer la réponse',
  skip: 'Passer la question',
  finish: 'Terminer maintenant',
  hint: 'Entrée pour envoyer · Maj+Entrée pour aller à la ligne',
  charactersLeft: (count) => `Encore ${count} caractères`,
  typing: 'L’interviewer écrit',
  skipped: 'Vous avez passé cette question.',
  finishedEarly: 'Vous avez terminé l’entretien plus tôt.',
  sending: 'Envoi…',
  queued: 'Enregistrée sur cet appareil. Elle sera envoyée dès que vous serez de nouveau en ligne.',
  offline:
    'Vous êtes hors ligne. Votre réponse reste sur cet appareil et sera envoyée dès le retour de la connexion.',
  reconnecting: 'Connexion perdue. Reconnexion…',
  confirmTitle: 'Terminer l’entretien maintenant ?',
  confirmBody: 'Vos réponses sont conservées, mais vous ne pourrez pas reprendre l’entretien plus tard.',
  confirmYes: 'Terminer',
  confirmNo: 'Continuer',
  doneHeading: 'Merci',
  doneBody: 'Vos réponses ont été enregistrées. Merci d’avoir pris le temps de les partager.',
  doneClose: 'Vous pouvez fermer cette page.',
  unavailableHeading: 'Cet entretien n’est pas disponible',
  expired: 'Ce lien a expiré. Si vous souhaitez tout de même participer, contactez votre service RH.',
  invalid: 'Ce lien n’est pas valide. Vérifiez le lien reçu ou contactez votre service RH.',
  unreachable: 'L’entretien est momentanément inaccessible. Nous réessayons.',
  sendFailed:
    'Votre réponse n’a pas pu être envoyée. Elle est de nouveau dans la zone de texte pour réessayer.',
};
