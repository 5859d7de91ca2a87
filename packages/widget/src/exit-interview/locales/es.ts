import type { WidgetStrings } from '../localize.ts';

/** The widget's strings in Spanish. */
export const strings: WidgetStrings = {
  title: 'Entrevista de salida',
  loading: 'Cargando tu entrevista…',
  mode: { identified: 'Con nombre', confidential: 'Confidencial', anonymous: 'Anónima' },
  startHeading: 'Tu entrevista de salida',
  startLead:
    'Una conversación breve sobre tu tiempo aquí y los motivos de tu salida. Una IA hace las preguntas y puede pedirte que amplíes tus respuestas.',
  whoReadsHeading: 'Quién lee tus respuestas',
  whoReads: {
    identified: 'El equipo de RR. HH. de tu empresa lee tus respuestas y un resumen, con tu nombre.',
    confidential:
      'Solo los administradores de RR. HH. de tu empresa pueden abrir tu entrevista y su resumen. Otras personas con acceso a los informes ven resultados agrupados de grupos más amplios, donde pueden aparecer citas breves sin tu nombre.',
    anonymous:
      'Tu nombre y los datos de tu puesto no se guardan con tus respuestas. RR. HH. lee lo que escribes sin saber que eres tú, así que omite detalles que te identifiquen.',
  },
  durationHeading: 'Cuánto dura',
  duration: (minutes) => `Unos ${minutes} minutos.`,
  controlHeading: 'Tú decides',
  control: 'Puedes saltar cualquier pregunta o parar cuando quieras. Todo lo que hayas escrito se conserva.',
  startButton: 'Empezar la entrevista',
  savedAsYouGo: 'Tus respuestas se guardan sobre la marcha.',
  progress: (covered, total) => `${covered} de ${total} temas`,
  progressLabel: 'Temas tratados',
  transcriptLabel: 'Conversación',
  interviewer: 'Entrevistador',
  you: 'Tú',
  inputLabel: 'Tu respuesta',
  placeholder: 'Escribe tu respuesta…',
  send: 'Enviar respuesta',
  skip: 'Saltar pregunta',
  finish: 'Terminar ya',
  hint: 'Intro para enviar · Mayús+Intro para una línea nueva',
  charactersLeft: (count) => `Quedan ${count} caracteres`,
  typing: 'El entrevistador está escribiendo',
  skipped: 'Has saltado esta pregunta.',
  finishedEarly: 'Has terminado la entrevista antes de tiempo.',
  sending: 'Enviando…',
  queued: 'Guardada en este dispositivo. Se enviará cuando vuelvas a tener conexión.',
  offline:
    'Estás sin conexión. Tu respuesta se queda en este dispositivo y se envía en cuanto vuelva la conexión.',
  reconnecting: 'Conexión perdida. Reconectando…',
  confirmTitle: '¿Terminar la entrevista ahora?',
  confirmBody: 'Tus respuestas se conservan, pero no podrás continuar la entrevista más tarde.',
  confirmYes: 'Terminar ahora',
  confirmNo: 'Seguir',
  doneHeading: 'Gracias',
  doneBody: 'Tus respuestas se han guardado. Gracias por dedicarnos tu tiempo.',
  doneClose: 'Ya puedes cerrar esta página.',
  unavailableHeading: 'Esta entrevista no está disponible',
  expired: 'Este enlace ha caducado. Si aún quieres participar, ponte en contacto con RR. HH.',
  invalid: 'Este enlace no es válido. Revisa el enlace que recibiste o ponte en contacto con RR. HH.',
  unreachable: 'Ahora mismo no se puede acceder a la entrevista. Seguimos intentándolo.',
  sendFailed:
    'No se pudo enviar tu respuesta. Vuelve a estar en el cuadro de texto para que lo intentes de nuevo.',
};
