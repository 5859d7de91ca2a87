import type { Guide } from './types.ts';

// Wording rules: open, neutral questions that do not suggest an answer; one question per message;
// never ask for anyone's name. German, French and Spanish use the polite form (Sie, vous, usted)
// and avoid gendered participles about the employee.

/** The shipped exit-interview plan: ten topics in en, de, fr and es, about 15 minutes. */
export const defaultGuide: Guide = {
  id: 'default',
  version: 1,
  budget: { maxTurns: 24, targetMinutes: 15 },
  introduction: {
    en: 'Hello, and thank you for taking a few minutes for this conversation. There are no right or wrong answers, and you can skip any question.',
    de: 'Hallo und vielen Dank, dass Sie sich ein paar Minuten für dieses Gespräch nehmen. Es gibt keine richtigen oder falschen Antworten, und Sie können jede Frage überspringen.',
    fr: "Bonjour, et merci de prendre quelques minutes pour cet échange. Il n'y a pas de bonne ou de mauvaise réponse, et vous pouvez passer n'importe quelle question.",
    es: 'Hola, y gracias por dedicar unos minutos a esta conversación. No hay respuestas correctas ni incorrectas, y puede saltarse cualquier pregunta.',
  },
  topics: [
    {
      id: 'reason-for-leaving',
      required: true,
      maxTurns: 3,
      title: {
        en: 'Reason for leaving',
        de: 'Gründe für den Weggang',
        fr: 'Raisons du départ',
        es: 'Motivos de la salida',
      },
      opening: {
        en: 'To begin, what led to your decision to leave?',
        de: 'Zu Beginn: Was hat zu Ihrer Entscheidung geführt, das Unternehmen zu verlassen?',
        fr: "Pour commencer, qu'est-ce qui a motivé votre décision de partir ?",
        es: 'Para empezar, ¿qué le llevó a tomar la decisión de irse?',
      },
      probes: [
        {
          en: 'Was there a particular moment or event that made you start looking elsewhere?',
          de: 'Gab es einen bestimmten Moment oder ein Ereignis, nach dem Sie begonnen haben, sich anderweitig umzusehen?',
          fr: 'Y a-t-il eu un moment ou un événement particulier qui vous a donné envie de regarder ailleurs ?',
          es: '¿Hubo algún momento o hecho concreto que le hiciera empezar a buscar otras opciones?',
        },
        {
          en: 'If you had to pick the single most important reason, what would it be?',
          de: 'Wenn Sie den wichtigsten Grund nennen müssten, welcher wäre das?',
          fr: 'Si vous deviez citer la raison principale, laquelle serait-ce ?',
          es: 'Si tuviera que señalar la razón principal, ¿cuál sería?',
        },
        {
          en: 'How long had you been thinking about leaving before you decided?',
          de: 'Wie lange haben Sie schon über einen Wechsel nachgedacht, bevor Sie sich entschieden haben?',
          fr: 'Depuis combien de temps pensiez-vous à partir avant de prendre votre décision ?',
          es: '¿Cuánto tiempo llevaba pensando en irse antes de decidirse?',
        },
      ],
    },
    {
      id: 'role-and-workload',
      required: false,
      maxTurns: 3,
      title: {
        en: 'Role and workload',
        de: 'Aufgaben und Arbeitsbelastung',
        fr: 'Poste et charge de travail',
        es: 'Puesto y carga de trabajo',
      },
      opening: {
        en: 'How would you describe your role and your workload here?',
        de: 'Wie würden Sie Ihre Aufgaben und Ihre Arbeitsbelastung hier beschreiben?',
        fr: 'Comment décririez-vous votre poste et votre charge de travail ici ?',
        es: '¿Cómo describiría su puesto y su carga de trabajo aquí?',
      },
      probes: [
        {
          en: 'How manageable was your workload from week to week?',
          de: 'Wie gut war Ihre Arbeitsbelastung von Woche zu Woche zu bewältigen?',
          fr: 'Dans quelle mesure votre charge de travail était-elle gérable au quotidien ?',
          es: '¿En qué medida le resultaba manejable su carga de trabajo en el día a día?',
        },
        {
          en: 'Did the role turn out to be what you expected when you joined?',
          de: 'Entsprach die Stelle dem, was Sie bei Ihrem Einstieg erwartet hatten?',
          fr: 'Le poste correspondait-il à ce que vous attendiez à votre arrivée ?',
          es: '¿El puesto resultó ser lo que esperaba cuando se incorporó?',
        },
        {
          en: 'What would you change about how the role is set up?',
          de: 'Was würden Sie am Zuschnitt dieser Stelle ändern?',
          fr: 'Que changeriez-vous dans la façon dont ce poste est organisé ?',
          es: '¿Qué cambiaría en la forma en que está planteado el puesto?',
        },
      ],
    },
    {
      id: 'manager-and-leadership',
      required: true,
      maxTurns: 3,
      title: {
        en: 'Manager and leadership',
        de: 'Führungskraft und Unternehmensleitung',
        fr: 'Management et direction',
        es: 'Responsable y dirección',
      },
      opening: {
        en: 'How would you describe your working relationship with your manager?',
        de: 'Wie würden Sie die Zusammenarbeit mit Ihrer direkten Führungskraft beschreiben?',
        fr: 'Comment décririez-vous votre relation de travail avec votre responsable ?',
        es: '¿Cómo describiría su relación de trabajo con su responsable?',
      },
      probes: [
        {
          en: 'What kind of support did you get from your manager in your day-to-day work?',
          de: 'Welche Unterstützung haben Sie im Arbeitsalltag von Ihrer Führungskraft bekommen?',
          fr: 'Quel soutien avez-vous reçu de votre responsable dans votre travail au quotidien ?',
          es: '¿Qué tipo de apoyo recibió de su responsable en el día a día?',
        },
        {
          en: 'How clear and useful was the feedback you received?',
          de: 'Wie klar und hilfreich war das Feedback, das Sie bekommen haben?',
          fr: 'Les retours que vous receviez étaient-ils clairs et utiles ?',
          es: '¿Hasta qué punto le resultaban claros y útiles los comentarios que recibía?',
        },
        {
          en: 'Beyond your own manager, how much confidence did you have in the wider leadership?',
          de: 'Wie viel Vertrauen hatten Sie, über Ihre direkte Führungskraft hinaus, in die Unternehmensleitung?',
          fr: "Au-delà de votre responsable direct, quelle confiance aviez-vous dans la direction de l'entreprise ?",
          es: 'Más allá de su responsable, ¿cuánta confianza tenía en la dirección de la empresa?',
        },
      ],
    },
    {
      id: 'growth-and-career',
      required: false,
      maxTurns: 3,
      title: {
        en: 'Growth and career',
        de: 'Entwicklung und Karriere',
        fr: 'Évolution et carrière',
        es: 'Desarrollo y carrera profesional',
      },
      opening: {
        en: 'How did you feel about your opportunities to learn and grow here?',
        de: 'Wie haben Sie Ihre Möglichkeiten erlebt, hier zu lernen und sich weiterzuentwickeln?',
        fr: "Comment avez-vous perçu vos possibilités d'apprendre et d'évoluer ici ?",
        es: '¿Cómo valora las oportunidades que tuvo aquí para aprender y crecer profesionalmente?',
      },
      probes: [
        {
          en: 'What next step in your career were you hoping to take here?',
          de: 'Welchen nächsten Karriereschritt hatten Sie sich hier erhofft?',
          fr: 'Quelle prochaine étape de carrière espériez-vous franchir ici ?',
          es: '¿Qué siguiente paso en su carrera esperaba dar aquí?',
        },
        {
          en: 'How often did you talk with someone about your development and goals?',
          de: 'Wie regelmäßig wurde mit Ihnen über Ihre Entwicklung und Ihre Ziele gesprochen?',
          fr: "À quelle fréquence avez-vous échangé avec quelqu'un sur votre développement et vos objectifs ?",
          es: '¿Con qué frecuencia hablaba con alguien sobre su desarrollo y sus objetivos?',
        },
        {
          en: 'What kind of training or support would have helped you grow?',
          de: 'Welche Weiterbildung oder Unterstützung hätte Ihnen geholfen, sich weiterzuentwickeln?',
          fr: "Quel type de formation ou d'accompagnement aurait favorisé votre progression ?",
          es: '¿Qué tipo de formación o apoyo le habría ayudado a crecer?',
        },
      ],
    },
    {
      id: 'pay-and-benefits',
      required: false,
      maxTurns: 3,
      title: {
        en: 'Pay and benefits',
        de: 'Vergütung und Zusatzleistungen',
        fr: 'Rémunération et avantages',
        es: 'Retribución y beneficios',
      },
      opening: {
        en: 'How did you feel about your pay and benefits?',
        de: 'Wie haben Sie Ihre Vergütung und die Zusatzleistungen empfunden?',
        fr: 'Que pensez-vous de votre rémunération et de vos avantages ?',
        es: '¿Qué opina de su retribución y sus beneficios?',
      },
      probes: [
        {
          en: 'How fair did your pay feel compared with your responsibilities?',
          de: 'Wie angemessen fanden Sie Ihre Vergütung im Verhältnis zu Ihrer Verantwortung?',
          fr: 'Dans quelle mesure votre rémunération vous semblait-elle juste au regard de vos responsabilités ?',
          es: '¿Hasta qué punto le parecía justa su retribución en relación con sus responsabilidades?',
        },
        {
          en: 'Which benefits mattered most to you?',
          de: 'Welche Zusatzleistungen waren Ihnen am wichtigsten?',
          fr: 'Quels avantages comptaient le plus pour vous ?',
          es: '¿Qué beneficios eran los más importantes para usted?',
        },
        {
          en: 'What part, if any, did pay play in your decision to leave?',
          de: 'Welche Rolle hat die Vergütung, wenn überhaupt, bei Ihrer Entscheidung gespielt?',
          fr: 'Quel rôle la rémunération a-t-elle joué dans votre décision de partir, le cas échéant ?',
          es: '¿Qué papel tuvo la retribución en su decisión de irse, si es que tuvo alguno?',
        },
      ],
    },
    {
      id: 'culture-and-team',
      required: false,
      maxTurns: 3,
      title: {
        en: 'Culture and team',
        de: 'Kultur und Team',
        fr: 'Culture et équipe',
        es: 'Cultura y equipo',
      },
      opening: {
        en: 'How would you describe the culture in your team and in the company?',
        de: 'Wie würden Sie die Kultur in Ihrem Team und im Unternehmen beschreiben?',
        fr: "Comment décririez-vous la culture au sein de votre équipe et de l'entreprise ?",
        es: '¿Cómo describiría la cultura de su equipo y de la empresa?',
      },
      probes: [
        {
          en: 'How comfortable did you feel raising concerns or disagreeing?',
          de: 'Wie leicht fiel es Ihnen, Bedenken anzusprechen oder anderer Meinung zu sein?',
          fr: "Dans quelle mesure vous sentiez-vous libre d'exprimer des inquiétudes ou un désaccord ?",
          es: '¿Hasta qué punto se sentía con libertad para plantear inquietudes o expresar su desacuerdo?',
        },
        {
          en: 'How well did people work together across teams?',
          de: 'Wie gut hat die Zusammenarbeit zwischen den Teams funktioniert?',
          fr: 'Comment se passait la collaboration entre les équipes ?',
          es: '¿Cómo era la colaboración entre los distintos equipos?',
        },
        {
          en: 'How was good work recognized in your team?',
          de: 'Wie wurde gute Arbeit in Ihrem Team anerkannt?',
          fr: 'Comment le travail bien fait était-il reconnu dans votre équipe ?',
          es: '¿Cómo se reconocía el buen trabajo en su equipo?',
        },
      ],
    },
    {
      id: 'tools-and-processes',
      required: false,
      maxTurns: 2,
      title: {
        en: 'Tools and processes',
        de: 'Werkzeuge und Abläufe',
        fr: 'Outils et processus',
        es: 'Herramientas y procesos',
      },
      opening: {
        en: 'How well did the tools and processes here help you do your job?',
        de: 'Wie gut haben die Werkzeuge und Abläufe hier Sie bei Ihrer Arbeit unterstützt?',
        fr: 'Dans quelle mesure les outils et les processus facilitaient-ils votre travail ?',
        es: '¿En qué medida las herramientas y los procesos le ayudaban a hacer su trabajo?',
      },
      probes: [
        {
          en: 'What got in the way of your work most often?',
          de: 'Was hat Sie bei Ihrer Arbeit am häufigsten ausgebremst?',
          fr: "Qu'est-ce qui freinait le plus souvent votre travail ?",
          es: '¿Qué era lo que más a menudo le dificultaba el trabajo?',
        },
        {
          en: 'Which tool or process would you change first, and why?',
          de: 'Welches Werkzeug oder welchen Ablauf würden Sie als Erstes ändern, und warum?',
          fr: 'Quel outil ou quel processus changeriez-vous en premier, et pourquoi ?',
          es: '¿Qué herramienta o proceso cambiaría primero, y por qué?',
        },
        {
          en: 'Was there anything that worked particularly well and should be kept?',
          de: 'Gab es etwas, das besonders gut funktioniert hat und beibehalten werden sollte?',
          fr: "Y a-t-il quelque chose qui fonctionnait particulièrement bien et qu'il faudrait conserver ?",
          es: '¿Hubo algo que funcionara especialmente bien y que convendría mantener?',
        },
      ],
    },
    {
      id: 'what-would-have-made-you-stay',
      required: true,
      maxTurns: 3,
      title: {
        en: 'What would have made you stay',
        de: 'Was Sie zum Bleiben bewogen hätte',
        fr: 'Ce qui vous aurait fait rester',
        es: 'Qué le habría hecho quedarse',
      },
      opening: {
        en: 'Looking back, what could have made you decide to stay?',
        de: 'Rückblickend: Was hätte Sie dazu bewegen können zu bleiben?',
        fr: "Avec le recul, qu'est-ce qui aurait pu vous décider à rester ?",
        es: 'Mirando atrás, ¿qué podría haberle hecho decidir quedarse?',
      },
      probes: [
        {
          en: 'Was there a point when things could have turned out differently?',
          de: 'Gab es einen Zeitpunkt, an dem die Dinge noch anders hätten laufen können?',
          fr: 'Y a-t-il eu un moment où les choses auraient pu tourner autrement ?',
          es: '¿Hubo algún momento en que las cosas podrían haber sido diferentes?',
        },
        {
          en: 'If you raised any of this before deciding to leave, how was it received?',
          de: 'Falls Sie etwas davon vor Ihrer Entscheidung angesprochen haben: Wie wurde darauf reagiert?',
          fr: 'Si vous en avez parlé avant de prendre votre décision, comment cela a-t-il été accueilli ?',
          es: 'Si llegó a plantear alguno de estos temas antes de decidirse, ¿cómo se recibió?',
        },
        {
          en: 'What one change would make this a better place to work for the next person in your role?',
          de: 'Welche Veränderung würde diesen Arbeitsplatz für Ihre Nachfolgerin oder Ihren Nachfolger am meisten verbessern?',
          fr: 'Quel changement rendrait ce poste plus agréable pour la personne qui vous succédera ?',
          es: '¿Qué cambio haría de este un mejor lugar de trabajo para la persona que ocupe su puesto?',
        },
      ],
    },
    {
      id: 'return-or-recommend',
      required: true,
      maxTurns: 3,
      title: {
        en: 'Returning or recommending us',
        de: 'Rückkehr oder Weiterempfehlung',
        fr: 'Revenir ou nous recommander',
        es: 'Volver o recomendarnos',
      },
      opening: {
        en: 'Would you consider working here again in the future?',
        de: 'Könnten Sie sich vorstellen, in Zukunft wieder hier zu arbeiten?',
        fr: "Envisageriez-vous de travailler à nouveau ici à l'avenir ?",
        es: '¿Se plantearía volver a trabajar aquí en el futuro?',
      },
      probes: [
        {
          en: 'What makes you feel that way about coming back?',
          de: 'Was bringt Sie zu dieser Einschätzung?',
          fr: "Qu'est-ce qui vous amène à voir les choses ainsi ?",
          es: '¿Qué le lleva a verlo así?',
        },
        {
          en: 'Would you recommend us as a place to work to someone you know, and why?',
          de: 'Würden Sie uns jemandem aus Ihrem Bekanntenkreis als Arbeitgeber empfehlen, und warum?',
          fr: 'Recommanderiez-vous notre entreprise comme employeur à une personne de votre entourage, et pourquoi ?',
          es: '¿Recomendaría nuestra empresa como lugar de trabajo a alguien de su entorno, y por qué?',
        },
        {
          en: 'What would you tell someone who is thinking of applying here?',
          de: 'Was würden Sie jemandem sagen, der überlegt, sich hier zu bewerben?',
          fr: 'Que diriez-vous à une personne qui envisage de postuler ici ?',
          es: '¿Qué le diría a alguien que estuviera pensando en presentar su candidatura aquí?',
        },
      ],
    },
    {
      id: 'anything-else',
      required: true,
      maxTurns: 2,
      probeBriefAnswers: false,
      title: {
        en: 'Anything else',
        de: 'Weitere Anmerkungen',
        fr: 'Autres remarques',
        es: 'Otros comentarios',
      },
      opening: {
        en: "Is there anything else you'd like to share that we haven't covered?",
        de: 'Gibt es noch etwas, das Sie uns mitteilen möchten und das wir bisher nicht angesprochen haben?',
        fr: "Y a-t-il autre chose que vous aimeriez partager et que nous n'avons pas abordé ?",
        es: '¿Hay algo más que quiera compartir y que no hayamos tratado?',
      },
      probes: [
        {
          en: "Is there anything you think leadership should hear, even if it's uncomfortable?",
          de: 'Gibt es etwas, das die Unternehmensleitung Ihrer Meinung nach hören sollte, auch wenn es unbequem ist?',
          fr: "Y a-t-il quelque chose que la direction devrait entendre, selon vous, même si c'est inconfortable ?",
          es: '¿Hay algo que, en su opinión, la dirección debería escuchar, aunque resulte incómodo?',
        },
        {
          en: 'What did you enjoy most about working here?',
          de: 'Was hat Ihnen an der Arbeit hier am meisten Freude gemacht?',
          fr: "Qu'avez-vous le plus apprécié dans votre travail ici ?",
          es: '¿Qué es lo que más le gustó de trabajar aquí?',
        },
        {
          en: "Is there any advice you'd like to leave for your team?",
          de: 'Gibt es einen Rat, den Sie Ihrem Team mit auf den Weg geben möchten?',
          fr: 'Y a-t-il un conseil que vous aimeriez laisser à votre équipe ?',
          es: '¿Hay algún consejo que le gustaría dejarle a su equipo?',
        },
      ],
    },
  ],
  closing: {
    en: 'Thank you for taking the time to talk with me. Your answers will help make this a better place to work. I wish you all the best for what comes next.',
    de: 'Vielen Dank, dass Sie sich die Zeit für dieses Gespräch genommen haben. Ihre Antworten helfen uns, ein besserer Arbeitgeber zu werden. Für Ihren weiteren Weg wünsche ich Ihnen alles Gute.',
    fr: "Merci d'avoir pris le temps d'échanger avec moi. Vos réponses nous aideront à devenir un meilleur employeur. Je vous souhaite le meilleur pour la suite.",
    es: 'Gracias por dedicar su tiempo a esta conversación. Sus respuestas nos ayudarán a mejorar como lugar de trabajo. Le deseo lo mejor en esta nueva etapa.',
  },
};
