"""Fictional demo questions and answers (data only): invented structures, no real persons.

Each question template gives a topic code (tickets/vocabulary.py), a subject, the requester's
text, a plausible short answer, and optionally: `urgent_case` (domain.md §6), `level` when the
question's level differs from its topic's default, `kinds` (organisation kinds it fits),
`asker` (member, delegate, partner, state, ptce, other), `weight` (relative frequency) and
`campaign` (part of the end-of-Pass-IAE burst; `{deadline}` is filled with the date). The
legal content is general French IAE and labour-law information written for a demo: the
legal team should review it before anything like it reaches users.
"""

from __future__ import annotations

SIAE_KINDS = ("AI", "ACI", "EI", "ETTI", "EITI")

QUESTIONS: tuple[dict, ...] = (
    # --- contrats --------------------------------------------------------------------------
    {
        "key": "cddi_renouvellement", "topic": "contrats", "kinds": ("ACI", "EI"), "weight": 3,
        "subject": "Renouvellement d'un CDDI au-delà de 24 mois",
        "body": "Un de nos salariés en CDDI arrive à 24 mois de contrat en fin de mois. Il suit "
                "une formation qualifiante qui se termine dans trois mois. Pouvons-nous "
                "prolonger son CDDI jusqu'à la fin de la formation, et sous quelles conditions ?",
        "answer": "La durée totale d'un CDDI est en principe limitée à 24 mois, renouvellements "
                  "compris. Une prolongation au-delà est possible à titre dérogatoire, "
                  "notamment pour permettre au salarié d'achever une action de formation en "
                  "cours, ou pour les salariés âgés d'au moins 50 ans ou reconnus travailleurs "
                  "handicapés. Pensez à demander en parallèle la prolongation de son Pass IAE "
                  "sur la plateforme de l'inclusion avant son échéance, et à formaliser la "
                  "prolongation par un avenant signé avant le terme du contrat.",
    },
    {
        "key": "contrat_mad_mentions", "topic": "contrats", "kinds": ("AI",), "weight": 3,
        "subject": "Mentions obligatoires du contrat de mise à disposition",
        "body": "Nous refondons nos contrats de mise à disposition avec les particuliers et les "
                "entreprises. Quelles mentions doivent obligatoirement y figurer ? Avez-vous "
                "un modèle à jour ?",
        "answer": "Le contrat de mise à disposition est conclu par écrit entre l'association et "
                  "l'utilisateur. Il précise au minimum l'identité du salarié mis à disposition, "
                  "la nature des tâches et la qualification requise, le lieu et les horaires, "
                  "la durée de la mise à disposition, le prix facturé, ainsi que les mesures de "
                  "sécurité et les équipements de protection que l'utilisateur doit fournir. "
                  "Vous trouverez le modèle du groupe de travail « contrats » dans l'espace "
                  "ressources ; je vous le joins à titre indicatif.",
    },
    {
        "key": "cddi_periode_essai", "topic": "contrats", "kinds": ("ACI", "EI"),
        "subject": "Durée de la période d'essai d'un CDDI de 6 mois",
        "body": "Nous recrutons en CDDI de 6 mois à 26 heures par semaine. Quelle période "
                "d'essai pouvons-nous prévoir ? Faut-il la mentionner dans le contrat ?",
        "answer": "Le CDDI suit les règles du CDD : la période d'essai ne se présume pas, elle "
                  "doit figurer dans le contrat. Pour un contrat d'une durée initiale de six "
                  "mois au plus, elle est au maximum d'un jour par semaine de contrat, dans la "
                  "limite de deux semaines ; au-delà de six mois, elle peut aller jusqu'à un "
                  "mois. Pour un CDDI de 6 mois, l'essai est donc limité à deux semaines.",
    },
    {
        "key": "cddi_rupture_cdi", "topic": "contrats", "kinds": ("ACI", "EI", "AI"), "weight": 2,
        "subject": "Rupture anticipée d'un CDDI pour une embauche en CDI",
        "body": "Une salariée en CDDI vient de recevoir une promesse d'embauche en CDI chez un "
                "transporteur. Peut-elle partir avant la fin de son contrat ? Quel préavis "
                "doit-elle respecter ?",
        "answer": "Bonne nouvelle pour votre salariée. Un salarié en CDD, CDDI compris, peut "
                  "rompre son contrat avant le terme lorsqu'il justifie d'une embauche en CDI. "
                  "Il doit alors respecter un préavis d'un jour par semaine de contrat effectuée "
                  "(renouvellement inclus), dans la limite de deux semaines, sauf accord pour "
                  "l'en dispenser. Demandez-lui une copie de la promesse ou du contrat, et "
                  "pensez à clôturer le parcours sur la plateforme de l'inclusion.",
    },
    {
        "key": "pec_apres_cddi", "topic": "contrats", "kinds": ("ACI",),
        "subject": "Enchaîner un CUI-PEC après un CDDI",
        "body": "Une collectivité partenaire voudrait embaucher en parcours emploi compétences "
                "un salarié qui termine son CDDI chez nous. Y a-t-il un délai à respecter entre "
                "les deux contrats ?",
        "answer": "Il n'existe pas de délai de carence entre un CDDI et un CUI-PEC chez un autre "
                  "employeur : le délai de carence ne joue qu'entre CDD successifs sur le même "
                  "poste chez le même employeur. La prescription du PEC relève de France "
                  "Travail, de la mission locale ou de Cap emploi : un échange entre votre CIP "
                  "et le prescripteur facilitera la continuité du parcours.",
    },
    # --- dialogue_social -------------------------------------------------------------------
    {
        "key": "cse_effectif", "topic": "dialogue_social", "weight": 2,
        "subject": "Mise en place du CSE : les salariés en parcours comptent-ils ?",
        "body": "Nous avons 6 permanents et une vingtaine de salariés en parcours selon les "
                "mois. Devons-nous organiser l'élection d'un CSE ? Comment compter les "
                "salariés en parcours dans l'effectif ?",
        "answer": "Le CSE est obligatoire lorsque l'effectif d'au moins 11 salariés est atteint "
                  "pendant 12 mois consécutifs. Le décompte suit les articles L. 1111-2 et "
                  "L. 1111-3 du code du travail : les CDD et les temps partiels comptent au "
                  "prorata de leur temps de présence, mais certains contrats aidés ou de "
                  "formation sont exclus. La situation des salariés en parcours dépend de votre "
                  "type de structure : envoyez-nous vos effectifs mois par mois sur l'année "
                  "écoulée et nous ferons le calcul avec vous.",
    },
    {
        "key": "commission_sep_fin", "topic": "dialogue_social",
        "subject": "Fin de la commission « salarié en parcours »",
        "body": "Nous avions mis en place une commission « salarié en parcours » au sein de "
                "notre CSE dans le cadre de l'expérimentation. Pouvons-nous la maintenir "
                "maintenant que l'expérimentation est terminée ?",
        "answer": "L'expérimentation de la commission « salarié en parcours » a normalement pris "
                  "fin en décembre 2023 : son cadre légal spécifique ne s'applique plus. Rien "
                  "n'interdit en revanche de conserver une commission ou un temps d'échange "
                  "dédié aux salariés en parcours par accord d'entreprise ou dans le règlement "
                  "intérieur du CSE, sans les moyens propres à l'expérimentation. Le rapport "
                  "« Faire vivre le dialogue social dans les SIAE » donne des exemples.",
    },
    {
        "key": "elections_pap", "topic": "dialogue_social",
        "subject": "Élections professionnelles : calendrier du protocole préélectoral",
        "body": "Les mandats de notre CSE arrivent à échéance dans quatre mois. Quel est le "
                "calendrier à respecter pour inviter les syndicats et organiser le premier "
                "tour ?",
        "answer": "L'employeur informe le personnel de l'organisation des élections ; le premier "
                  "tour doit se tenir au plus tard le 90e jour suivant cette information. Les "
                  "organisations syndicales sont invitées à négocier le protocole d'accord "
                  "préélectoral, l'invitation devant parvenir au moins 15 jours avant la "
                  "première réunion de négociation. Avec quatre mois devant vous, lancez "
                  "l'information et les invitations dès maintenant.",
    },
    {
        "key": "accord_sans_ds", "topic": "dialogue_social",
        "subject": "Signer un accord d'entreprise sans délégué syndical",
        "body": "Nous voulons mettre en place un accord sur l'aménagement du temps de travail "
                "sur l'année. Nous n'avons pas de délégué syndical et un CSE de deux élus. "
                "Comment faire ?",
        "answer": "Dans une entreprise de 11 à 49 salariés sans délégué syndical, l'accord peut "
                  "être négocié et conclu avec un ou plusieurs élus du CSE, ou avec un salarié "
                  "mandaté. En dessous de 11 salariés, l'employeur peut soumettre un projet "
                  "d'accord à la consultation du personnel, qui doit l'approuver à la majorité "
                  "des deux tiers. Le modèle d'aménagement du temps de travail de la fédération "
                  "peut servir de base ; nous pouvons relire votre projet.",
    },
    # --- ressources_humaines ---------------------------------------------------------------
    {
        "key": "cumul_emplois", "topic": "ressources_humaines", "weight": 2,
        "subject": "Cumul d'emplois d'un salarié en CDDI à temps partiel",
        "body": "Un salarié en CDDI à 26 heures veut travailler le week-end dans la "
                "restauration. Pouvons-nous l'en empêcher ? Que devons-nous vérifier ?",
        "answer": "Un salarié à temps partiel peut cumuler plusieurs emplois : une clause "
                  "d'exclusivité ne lui serait pas opposable. Il doit respecter les durées "
                  "maximales de travail (10 heures par jour, 48 heures par semaine en principe) "
                  "et les repos quotidien et hebdomadaire, et rester loyal envers vous. "
                  "Demandez-lui par écrit ses horaires chez l'autre employeur pour vérifier ces "
                  "plafonds, en l'intégrant à son accompagnement.",
    },
    {
        "key": "disciplinaire_retards", "topic": "ressources_humaines", "weight": 2,
        "subject": "Retards répétés : quelle procédure disciplinaire ?",
        "body": "Une salariée en parcours arrive en retard presque chaque jour depuis un mois "
                "malgré plusieurs rappels oraux. Nous envisageons un avertissement, voire une "
                "mise à pied. Quelle procédure suivre ?",
        "answer": "Un avertissement écrit peut être notifié sans entretien préalable. Pour une "
                  "mise à pied disciplinaire, convoquez la salariée à un entretien préalable "
                  "(lettre remise en main propre ou recommandée, au moins 5 jours ouvrables "
                  "avant l'entretien), puis notifiez la sanction au moins 2 jours ouvrables et "
                  "au plus un mois après l'entretien. Les faits doivent être sanctionnés dans "
                  "les 2 mois après que vous en avez eu connaissance. Documentez aussi les "
                  "actions d'accompagnement menées : c'est important dans une SIAE.",
    },
    {
        "key": "heures_complementaires", "topic": "ressources_humaines",
        "subject": "Heures complémentaires d'un salarié à temps partiel",
        "body": "Pendant la saison des récoltes, nos salariés à 24 heures font régulièrement 30 "
                "heures. Comment ces heures doivent-elles être payées ? Y a-t-il une limite ?",
        "answer": "Les heures complémentaires sont limitées à 10 % de la durée prévue au "
                  "contrat, ou au tiers si un accord collectif le permet, et ne peuvent porter "
                  "la durée au niveau d'un temps plein. Elles sont majorées de 10 % dans la "
                  "limite du dixième, et de 25 % au-delà. Six heures sur un contrat de 24 "
                  "heures dépassent le dixième : vérifiez votre convention collective ou "
                  "prévoyez un avenant temporaire de complément d'heures si elle le permet.",
    },
    {
        "key": "cp_arret_maladie", "topic": "ressources_humaines", "weight": 2,
        "subject": "Congés payés acquis pendant un arrêt maladie",
        "body": "Un encadrant technique est en arrêt maladie depuis cinq mois. Notre logiciel de "
                "paie ne lui fait plus acquérir de congés. Est-ce toujours la règle ?",
        "answer": "Non. Depuis la loi du 22 avril 2024, un salarié en arrêt maladie d'origine "
                  "non professionnelle acquiert des congés payés, à raison de 2 jours ouvrables "
                  "par mois, dans la limite de 24 jours par période de référence. Les congés "
                  "qu'il ne peut prendre du fait de l'arrêt peuvent être reportés sur une "
                  "période de 15 mois, et vous devez l'en informer à son retour. Demandez à "
                  "votre éditeur de paie la mise à jour du paramétrage.",
    },
    {
        "key": "fin_cddi_indemnite", "topic": "ressources_humaines", "kinds": ("ACI", "EI"),
        "subject": "Indemnité de fin de contrat à l'issue d'un CDDI ?",
        "body": "Un salarié qui termine son CDDI nous réclame la prime de précarité de 10 %. "
                "Est-elle due ?",
        "answer": "Non : l'indemnité de fin de contrat n'est pas due pour les contrats conclus "
                  "dans le cadre des dispositifs destinés à favoriser le recrutement de "
                  "personnes sans emploi, dont le CDDI. Les congés payés non pris restent en "
                  "revanche dus sous forme d'indemnité compensatrice. Remettez-lui ses "
                  "documents de fin de contrat (certificat de travail, attestation France "
                  "Travail, solde de tout compte).",
    },
    {
        "key": "prudhommes_audience", "topic": "ressources_humaines",
        "urgent_case": "echeance_proche",
        "subject": "Audience aux prud'hommes jeudi prochain",
        "body": "Un ancien salarié conteste son licenciement pour faute grave et nous venons de "
                "recevoir la convocation devant le bureau de conciliation et d'orientation pour "
                "jeudi. Devons-nous prendre un avocat ? Que devons-nous préparer d'ici là ?",
        "answer": "La représentation par avocat n'est pas obligatoire devant le conseil de "
                  "prud'hommes, mais elle est recommandée dans un dossier de faute grave. Pour "
                  "jeudi, la présence de l'employeur ou d'un représentant muni d'un pouvoir "
                  "écrit est indispensable. Rassemblez la procédure (convocation, compte rendu "
                  "d'entretien, lettre de licenciement), les pièces établissant les faits et "
                  "le suivi du parcours. Je vous appelle demain matin pour préparer l'audience.",
    },
    # --- fiscalite -------------------------------------------------------------------------
    {
        "key": "tva_vente_legumes", "topic": "fiscalite", "kinds": ("ACI",), "weight": 2,
        "subject": "TVA sur la vente de paniers de légumes",
        "body": "Notre atelier chantier d'insertion vend des paniers de légumes à des "
                "particuliers et à une cantine. Devons-nous facturer la TVA et payer l'impôt "
                "sur les sociétés sur ces ventes ?",
        "answer": "Une association n'est soumise aux impôts commerciaux que si son activité est "
                  "lucrative : l'administration apprécie la gestion désintéressée puis, en cas "
                  "de concurrence avec le secteur commercial, la règle des « 4 P » (produit, "
                  "public, prix, publicité). Les ventes réalisées dans un but d'insertion, à "
                  "des conditions différentes du marché, peuvent rester non lucratives, et une "
                  "franchise existe pour les activités lucratives accessoires sous un plafond "
                  "revalorisé chaque année. Une analyse de vos prix et de vos clients est "
                  "nécessaire ; un rescrit fiscal peut sécuriser la position retenue.",
    },
    {
        "key": "filiale_commerciale", "topic": "fiscalite", "kinds": ("ACI", "AI", "GES"),
        "subject": "Créer une filiale commerciale pour notre activité de recyclerie",
        "body": "Le conseil d'administration envisage de loger la boutique de la recyclerie dans "
                "une SAS filiale. Quelles conséquences fiscales pour l'association ?",
        "answer": "La filialisation isole l'activité lucrative dans une société soumise aux "
                  "impôts commerciaux, ce qui protège le caractère non lucratif de "
                  "l'association si celle-ci ne participe pas activement à la gestion de la "
                  "filiale et que les relations entre elles se font à des conditions normales "
                  "(conventions de prestations, loyers, refacturations). Les dividendes "
                  "éventuellement perçus ont un traitement fiscal propre. Avant de décider, "
                  "comparez avec la sectorisation au sein de l'association ; prenons un "
                  "rendez-vous pour examiner les chiffres.",
    },
    {
        "key": "taxe_salaires", "topic": "fiscalite",
        "subject": "Taxe sur les salaires : sommes-nous redevables ?",
        "body": "Notre commissaire aux comptes évoque la taxe sur les salaires. Nous ne "
                "facturons pas de TVA. Sommes-nous concernés et existe-t-il un abattement "
                "pour les associations ?",
        "answer": "Les employeurs qui ne sont pas soumis à la TVA sur au moins 90 % de leur "
                  "chiffre d'affaires sont en principe redevables de la taxe sur les salaires. "
                  "Les associations bénéficient d'un abattement annuel, revalorisé chaque "
                  "année, qui suffit souvent à annuler la taxe des petites structures. Le "
                  "calcul dépend de votre masse salariale et du rapport d'assujettissement à "
                  "la TVA : transmettez-nous vos derniers comptes et nous l'estimerons.",
    },
    # --- droit_des_etrangers ---------------------------------------------------------------
    {
        "key": "recepisse_embauche", "topic": "droit_des_etrangers", "weight": 2,
        "subject": "Embauche d'une personne titulaire d'un récépissé",
        "body": "Nous souhaitons embaucher en CDDI une personne orientée par la mission locale "
                "qui présente un récépissé de demande de titre de séjour. Pouvons-nous "
                "l'embaucher ? Quelles vérifications faire ?",
        "answer": "Vérifiez d'abord que le récépissé porte la mention autorisant son titulaire "
                  "à travailler : tous ne le permettent pas. Avant l'embauche, l'employeur doit "
                  "demander à la préfecture l'authentification du document (démarche en ligne), "
                  "au moins deux jours ouvrables avant la prise de poste, et conserver une copie "
                  "du titre. Notez la date d'expiration du récépissé pour en suivre le "
                  "renouvellement.",
    },
    {
        "key": "titre_expire", "topic": "droit_des_etrangers",
        "subject": "Titre de séjour d'un salarié arrivé à expiration",
        "body": "Le titre de séjour d'un salarié en CDDI a expiré la semaine dernière. Il dit "
                "avoir déposé son renouvellement mais n'a pas encore de récépissé. Pouvons-nous "
                "le laisser travailler ?",
        "answer": "Sans document en cours de validité autorisant le travail, l'employeur ne peut "
                  "pas maintenir l'emploi : il s'expose à des sanctions. Si la demande de "
                  "renouvellement a été déposée dans les délais, le salarié dispose en général "
                  "d'une attestation de dépôt ou de prolongation d'instruction qui peut "
                  "préserver son droit au travail : demandez-la-lui sans attendre. À défaut, "
                  "appelez-moi avant toute décision, car la rupture du contrat obéit à des "
                  "règles particulières.",
    },
    {
        "key": "loi_immigration", "topic": "droit_des_etrangers",
        "subject": "Loi immigration : ce qui change pour nos recrutements",
        "body": "Plusieurs prescripteurs nous orientent des personnes étrangères. La loi "
                "immigration de janvier 2024 change-t-elle nos obligations d'employeur ?",
        "answer": "La loi du 26 janvier 2024 ne modifie pas l'obligation de vérifier, avant "
                  "l'embauche, l'existence d'une autorisation de travail. Elle renforce les "
                  "sanctions administratives en cas d'emploi d'un étranger sans titre et crée, "
                  "à titre expérimental, une carte de séjour pour les travailleurs des métiers "
                  "en tension. Ses décrets d'application précisent les procédures : nous "
                  "préparons une note de synthèse pour le réseau.",
    },
    # --- propriete_intellectuelle ----------------------------------------------------------
    {
        "key": "depot_marque", "topic": "propriete_intellectuelle", "kinds": ("ACI", "EI", "GES"),
        "subject": "Déposer le nom de notre recyclerie comme marque",
        "body": "Nous voulons protéger le nom et le logo de notre boutique de réemploi. "
                "Comment déposer une marque et pour combien de temps est-elle protégée ?",
        "answer": "Le dépôt se fait en ligne auprès de l'INPI, pour les classes de produits et "
                  "services que vous visez (vente de biens d'occasion, services de réparation, "
                  "etc.). Faites d'abord une recherche d'antériorité pour vérifier qu'aucune "
                  "marque proche n'existe. La protection dure 10 ans et se renouvelle sans "
                  "limite. Déposez le logo comme marque figurative si vous souhaitez le "
                  "protéger aussi.",
    },
    {
        "key": "logo_graphiste", "topic": "propriete_intellectuelle",
        "subject": "À qui appartient le logo créé par un graphiste bénévole ?",
        "body": "Un graphiste bénévole a créé notre logo il y a trois ans. Nous voulons "
                "l'utiliser sur nos véhicules et le déposer. Sommes-nous propriétaires ?",
        "answer": "Non, pas automatiquement : l'auteur d'une création graphique en détient les "
                  "droits, même bénévole. Pour exploiter et déposer le logo en sécurité, faites "
                  "signer une cession de droits écrite qui énumère les droits cédés "
                  "(reproduction, représentation, adaptation), les supports, le territoire et "
                  "la durée. Nous pouvons vous transmettre un modèle.",
    },
    {
        "key": "contrefacon_marque", "topic": "propriete_intellectuelle",
        "subject": "Une entreprise utilise le nom de notre marque de vêtements upcyclés",
        "body": "Une boutique en ligne vend des vêtements sous un nom presque identique à notre "
                "marque déposée. Que pouvons-nous faire ?",
        "answer": "Commencez par faire constater l'usage (captures datées, idéalement par "
                  "commissaire de justice) et vérifiez les classes couvertes par votre dépôt. "
                  "Une mise en demeure adressée à la boutique suffit souvent. Si elle a déposé "
                  "une marque similaire récemment, une opposition auprès de l'INPI est possible "
                  "dans un délai court après la publication. Envoyez-nous votre certificat "
                  "d'enregistrement et les captures.",
    },
    # --- responsabilite --------------------------------------------------------------------
    {
        "key": "degats_particulier", "topic": "responsabilite", "kinds": ("AI",), "weight": 2,
        "subject": "Dégâts causés chez un particulier par une salariée mise à disposition",
        "body": "En faisant le ménage chez une cliente, une salariée a cassé une vitre de "
                "douche. La cliente nous demande de payer. Qui est responsable ?",
        "answer": "L'association, employeur de la salariée, répond en principe des dommages "
                  "causés par celle-ci dans l'exécution de sa mission, sauf faute de la cliente "
                  "ou clause contraire du contrat de mise à disposition. Déclarez le sinistre "
                  "sans tarder à votre assureur en responsabilité civile professionnelle, avec "
                  "le témoignage de la salariée et des photos. Une éventuelle retenue sur "
                  "salaire pour ce motif est interdite, sauf faute lourde.",
    },
    {
        "key": "retard_livraison", "topic": "responsabilite", "kinds": ("EI", "ACI"),
        "subject": "Pénalités de retard réclamées par un client",
        "body": "Un client professionnel nous réclame des pénalités pour un retard de livraison "
                "de mobilier dû à une panne de notre atelier. Le bon de commande ne prévoit "
                "rien. Devons-nous payer ?",
        "answer": "Sans clause pénale au contrat, le client doit prouver un préjudice réel causé "
                  "par le retard pour obtenir des dommages et intérêts ; il ne peut pas fixer "
                  "seul un montant de pénalités. Une panne n'est en général pas un cas de force "
                  "majeure. Proposez un geste commercial si la relation compte, et ajoutez à "
                  "vos conditions générales de vente une clause encadrant les retards et "
                  "limitant votre responsabilité.",
    },
    # --- sante_securite --------------------------------------------------------------------
    {
        "key": "at_chantier", "topic": "sante_securite", "kinds": ("ACI", "EI"),
        "urgent_case": "accident_du_travail", "weight": 2,
        "subject": "Accident du travail sur un chantier espaces verts",
        "body": "Ce matin un salarié en parcours s'est blessé à la main avec une débroussailleuse "
                "sur un chantier. Il a été emmené aux urgences par les pompiers. Que "
                "devons-nous faire tout de suite ? Qui prévenir ?",
        "answer": "Priorité à la santé du salarié et à celle de l'équipe. Vous devez déclarer "
                  "l'accident du travail à la CPAM dans les 48 heures (hors dimanches et jours "
                  "fériés) et remettre au salarié la feuille d'accident. Informez le CSE s'il "
                  "existe, analysez les causes (matériel, EPI, consignes) et mettez à jour le "
                  "document unique. Si vous avez des doutes sur les circonstances, vous pouvez "
                  "émettre des réserves motivées lors de la déclaration. Je vous rappelle cet "
                  "après-midi comme convenu.",
    },
    {
        "key": "at_mise_a_disposition", "topic": "sante_securite", "kinds": ("AI", "ETTI"),
        "urgent_case": "accident_du_travail",
        "subject": "Chute d'un salarié mis à disposition chez un client",
        "body": "Un salarié mis à disposition chez une entreprise du bâtiment est tombé d'un "
                "escabeau ce matin, il est hospitalisé. Le client dit que ce n'est pas à lui de "
                "déclarer l'accident. Qui doit faire la déclaration ?",
        "answer": "C'est vous, en tant qu'employeur, qui déclarez l'accident du travail à la "
                  "CPAM dans les 48 heures. L'entreprise utilisatrice doit vous informer de "
                  "l'accident et vous transmettre les éléments sur les circonstances ; elle "
                  "reste responsable des conditions d'exécution du travail et de la sécurité "
                  "sur son chantier. Demandez-lui un compte rendu écrit et le nom des témoins. "
                  "Nous faisons le point par téléphone à 15 h.",
    },
    {
        "key": "agression_sexuelle_client", "topic": "sante_securite", "kinds": ("AI",),
        "urgent_case": "agression_sexuelle",
        "subject": "Signalement d'une agression sexuelle chez un client",
        "body": "Une salariée mise à disposition chez un particulier nous a signalé hier soir "
                "des gestes déplacés et une agression sexuelle de la part du client. Elle ne "
                "veut pas y retourner. Quelles sont nos obligations immédiates ?",
        "answer": "Mettez immédiatement fin aux interventions chez ce client et affectez la "
                  "salariée ailleurs, sans perte de rémunération. Votre obligation de sécurité "
                  "impose d'agir sans délai : recueillez son témoignage par écrit, "
                  "informez-la de la possibilité de porter plainte et des associations d'aide "
                  "aux victimes, et orientez-la vers la médecine du travail. Vous pouvez "
                  "résilier le contrat de mise à disposition pour ce motif grave. Nous en "
                  "parlons en visio à 14 h ; ce dossier est traité en confidentialité.",
    },
    {
        "key": "propos_racistes_encadrant", "topic": "sante_securite",
        "urgent_case": "discours_xenophobe",
        "subject": "Propos racistes d'un encadrant envers des salariés en parcours",
        "body": "Deux salariés en parcours rapportent que leur encadrant technique tient des "
                "propos racistes et leur dit de « retourner dans leur pays ». Un témoin "
                "confirme. Comment réagir rapidement ?",
        "answer": "Ces propos sont graves et peuvent constituer une injure à caractère racial et "
                  "une discrimination. Protégez d'abord les salariés (changement d'équipe ou "
                  "d'encadrant), puis menez une enquête interne rapide et impartiale : "
                  "entretiens des salariés, du témoin et de l'encadrant, comptes rendus "
                  "écrits. Si les faits sont établis, une sanction pouvant aller jusqu'au "
                  "licenciement pour faute grave est justifiée ; une mise à pied conservatoire "
                  "est possible pendant la procédure. Appelons-nous demain à 9 h.",
    },
    {
        "key": "propos_xenophobes_client", "topic": "sante_securite", "kinds": ("AI", "ETTI"),
        "urgent_case": "discours_xenophobe",
        "subject": "Insultes racistes d'une entreprise utilisatrice",
        "body": "Une salariée en mission dans une entreprise utilisatrice a subi des insultes "
                "racistes répétées de la part d'un chef d'équipe du client. Elle est en arrêt "
                "depuis hier. Que pouvons-nous faire vis-à-vis du client ?",
        "answer": "Vous restez l'employeur et devez protéger votre salariée, même lorsque les "
                  "faits ont lieu chez l'utilisateur. Signalez les faits par écrit au client en "
                  "lui demandant les mesures prises ; vous pouvez suspendre ou arrêter la "
                  "mission et ne plus y affecter de salariés. Informez la salariée de son droit "
                  "de porter plainte et proposez-lui un soutien. Ce dossier reste confidentiel ; "
                  "je vous rappelle en fin de journée.",
    },
    {
        "key": "duerp_obligation", "topic": "sante_securite", "weight": 2,
        "subject": "Document unique : obligatoire pour une petite structure ?",
        "body": "Nous avons 8 salariés dont 5 en parcours. Devons-nous rédiger un document "
                "unique d'évaluation des risques et à quel rythme le mettre à jour ?",
        "answer": "Oui : le document unique d'évaluation des risques professionnels est "
                  "obligatoire dès le premier salarié. Sous 11 salariés, la mise à jour annuelle "
                  "n'est pas obligatoire, mais elle l'est à chaque changement important "
                  "(nouveau chantier, nouveau matériel) et après un accident. Les versions "
                  "successives doivent être conservées 40 ans. La CARSAT et votre service de "
                  "prévention et de santé au travail peuvent vous aider.",
    },
    {
        "key": "visite_medicale", "topic": "sante_securite", "level": "first_level",
        "subject": "Visite médicale d'embauche des salariés en CDDI",
        "body": "Notre service de santé au travail met plusieurs mois à convoquer nos nouveaux "
                "salariés en CDDI. Dans quel délai la visite doit-elle avoir lieu ?",
        "answer": "La visite d'information et de prévention doit avoir lieu dans les 3 mois "
                  "suivant la prise effective du poste, et avant l'affectation pour les postes à "
                  "risques particuliers (suivi renforcé, avec examen d'aptitude). Gardez trace "
                  "de vos demandes au service de santé au travail : elles vous protègent en cas "
                  "de retard de sa part.",
    },
    {
        "key": "harcelement_moral", "topic": "sante_securite",
        "subject": "Plainte pour harcèlement moral entre deux salariées",
        "body": "Une salariée accuse sa collègue de harcèlement moral depuis plusieurs mois "
                "(moqueries, mise à l'écart). Comment mener l'enquête interne ?",
        "answer": "Ouvrez l'enquête rapidement et confiez-la à une ou deux personnes "
                  "impartiales, avec un élu du CSE si vous en avez. Entendez la plaignante, la "
                  "personne mise en cause et les témoins, avec des comptes rendus signés, et "
                  "garantissez la confidentialité. Pendant l'enquête, des mesures de protection "
                  "(horaires, équipes) peuvent être prises. Les conclusions écrites fondent la "
                  "suite, y compris disciplinaire dans les deux mois. Nous pouvons vous "
                  "transmettre une trame d'enquête.",
    },
    # --- marches_publics -------------------------------------------------------------------
    {
        "key": "marche_reserve", "topic": "marches_publics", "weight": 2,
        "subject": "Répondre à un marché réservé aux SIAE",
        "body": "Une communauté de communes publie un marché d'entretien d'espaces verts "
                "réservé aux structures d'insertion. Pouvons-nous répondre en groupement avec "
                "une autre SIAE ?",
        "answer": "Oui. Les acheteurs peuvent réserver un marché ou un lot aux SIAE et "
                  "structures équivalentes (article L. 2113-13 du code de la commande "
                  "publique) ; chaque membre d'un groupement doit alors avoir cette qualité. "
                  "Précisez dans la convention de groupement la répartition des prestations, le "
                  "mandataire et la solidarité éventuelle. Le guide de la fédération sur "
                  "l'accès à la commande publique détaille la démarche.",
    },
    {
        "key": "clause_sociale_heures", "topic": "marches_publics",
        "subject": "Clause sociale : comment décompter les heures d'insertion ?",
        "body": "Une entreprise titulaire d'un marché avec clause sociale veut faire appel à nos "
                "salariés. Comment les heures sont-elles comptabilisées et par qui ?",
        "answer": "L'entreprise attributaire peut remplir son engagement d'insertion en "
                  "recrutant directement, en sous-traitant à une SIAE ou en recourant à la "
                  "mise à disposition de salariés en parcours par une AI ou une ETTI. Le "
                  "décompte est suivi par le facilitateur de la clause, qui vous demandera les "
                  "relevés d'heures et les justificatifs d'éligibilité. Contactez-le avant le "
                  "démarrage pour valider les modalités.",
    },
    {
        "key": "guide_commande_publique", "topic": "marches_publics", "level": "first_level",
        "subject": "Où trouver le guide sur l'accès à la commande publique ?",
        "body": "Nous débutons sur les marchés publics. Existe-t-il un guide ou un webinaire de "
                "la fédération pour comprendre les marchés réservés et les clauses sociales ?",
        "answer": "Oui : le guide de 25 pages sur l'accès des SIAE à la commande publique, "
                  "tiré de deux webinaires, est disponible dans l'espace ressources, avec "
                  "l'enregistrement du webinaire « accès à la commande publique pour les "
                  "SIAE ». Commencez par les fiches sur les marchés réservés et les clauses "
                  "sociales ; revenez vers nous pour un marché précis.",
    },
    # --- pmsmp -----------------------------------------------------------------------------
    {
        "key": "pmsmp_futur_employeur", "topic": "pmsmp", "weight": 2,
        "subject": "PMSMP chez un futur employeur pendant le CDDI",
        "body": "Un salarié en CDDI voudrait découvrir le métier de cariste dans une entreprise "
                "qui pourrait l'embaucher. Pouvons-nous organiser une PMSMP et pour combien de "
                "temps ?",
        "answer": "Oui, la PMSMP est adaptée. Elle fait l'objet d'une convention entre le "
                  "salarié, votre structure, l'entreprise d'accueil et le prescripteur. Sa durée "
                  "est courte, en principe un mois au plus avec une même structure d'accueil, "
                  "renouvellement possible dans la limite fixée par les textes. Pendant la "
                  "période, le salarié conserve son statut et sa rémunération. Le formulaire "
                  "Cerfa de convention de PMSMP est à remplir avant le démarrage.",
    },
    {
        "key": "pmsmp_accident", "topic": "pmsmp",
        "subject": "Qui déclare un éventuel accident pendant une PMSMP ?",
        "body": "Avant de signer des conventions de PMSMP, notre CIP s'interroge : si un "
                "accident survenait chez la structure d'accueil, qui ferait la déclaration ?",
        "answer": "La déclaration incombe à la structure qui verse la rémunération du "
                  "bénéficiaire, donc à votre structure pour un salarié en parcours. La "
                  "structure d'accueil doit vous informer de tout accident dans les 24 heures. "
                  "Prévoyez un contact et cette obligation d'information dans la convention.",
    },
    # --- pass_iae --------------------------------------------------------------------------
    {
        "key": "fin_pass_auto", "topic": "pass_iae", "kinds": ("AI",), "campaign": True,
        "weight": 3,
        "subject": "Fin des Pass IAE attribués automatiquement : que faire avant le {deadline} ?",
        "body": "Une quinzaine de nos salariés ont un Pass IAE attribué automatiquement lors du "
                "passage à la plateforme de l'inclusion, qui prend fin le {deadline}. "
                "Comment éviter une rupture de leur parcours ?",
        "answer": "Pour chaque salarié concerné, faites le point sur son parcours avec la fiche "
                  "de diagnostic normalisé, puis sollicitez un prescripteur habilité pour une "
                  "nouvelle éligibilité lorsque la poursuite du parcours se justifie. Pour ceux "
                  "qui sont prêts à sortir, préparez la suite (CDI inclusion à partir de 57 ans, "
                  "ETT-ESS, emploi classique). Le plan d'action et l'enregistrement des "
                  "webinaires Pass IAE sont dans l'espace ressources.",
    },
    {
        "key": "pass_renouvellement_assoupli", "topic": "pass_iae", "kinds": ("AI",),
        "campaign": True, "weight": 3,
        "subject": "Modalités assouplies de renouvellement du Pass IAE",
        "body": "On nous parle de modalités assouplies de renouvellement des Pass IAE pour "
                "les salariés d'AI. Quelle démarche faire sur la plateforme avant le {deadline} ?",
        "answer": "Les modalités assouplies négociées par la fédération permettent, pour les "
                  "salariés d'AI en parcours, une demande simplifiée auprès d'un prescripteur "
                  "habilité à partir du diagnostic de la structure. La demande se fait sur la "
                  "plateforme de l'inclusion, dossier par dossier, avant l'échéance. La fiche "
                  "pratique et le pas-à-pas de la plateforme sont dans l'espace ressources ; "
                  "votre délégation organise aussi un atelier.",
    },
    {
        "key": "pass_diagnostic", "topic": "pass_iae", "kinds": ("AI",), "campaign": True,
        "subject": "Le prescripteur demande un nouveau diagnostic",
        "body": "Le conseiller France Travail nous demande un diagnostic socio-professionnel "
                "pour chaque salarié dont le Pass IAE se termine le {deadline}. Existe-t-il "
                "un modèle commun ?",
        "answer": "Oui : la fiche de diagnostic normalisé élaborée avec les prescripteurs sert "
                  "précisément à cela. Elle reprend la situation sociale et professionnelle, "
                  "les freins et le projet du salarié. La remplir avec le salarié et la "
                  "transmettre au prescripteur accélère l'instruction. La fiche est dans "
                  "l'espace ressources, rubrique Pass IAE.",
    },
    {
        "key": "pass_mad_entreprise", "topic": "pass_iae", "kinds": ("AI",), "campaign": True,
        "subject": "Mise à disposition en entreprise sans Pass IAE valide",
        "body": "Après le {deadline}, pourrons-nous encore mettre à disposition en entreprise "
                "des salariés dont le Pass IAE n'a pas été renouvelé ?",
        "answer": "Une association intermédiaire reste un employeur : elle peut continuer "
                  "d'employer une personne sans Pass IAE, mais le poste n'ouvre alors plus droit "
                  "à l'aide au poste et la mise à disposition en entreprise est encadrée par "
                  "des limites de durée. Vérifiez dossier par dossier la situation avant "
                  "l'échéance ; la délégation peut vous aider à prioriser.",
    },
    {
        "key": "pass_prolongation_55", "topic": "pass_iae", "weight": 3,
        "kinds": SIAE_KINDS,
        "subject": "Prolongation du Pass IAE d'un salarié de 55 ans",
        "body": "Le Pass IAE d'un salarié de 55 ans arrive à échéance dans deux mois. Son "
                "parcours n'est pas terminé. Pouvons-nous demander une prolongation ?",
        "answer": "Oui. Le Pass IAE est délivré pour 24 mois, et une prolongation peut être "
                  "demandée pour les motifs prévus par la réglementation, parmi lesquels l'âge "
                  "de 50 ans et plus, la reconnaissance de travailleur handicapé ou des "
                  "difficultés particulières. La demande se fait sur la plateforme de "
                  "l'inclusion avant l'échéance, certains motifs nécessitant la validation d'un "
                  "prescripteur habilité. Joignez les justificatifs au dossier.",
    },
    {
        "key": "pass_expire_carence", "topic": "pass_iae", "kinds": SIAE_KINDS,
        "subject": "Pass IAE expiré depuis trois mois : peut-on réembaucher ?",
        "body": "Une ancienne salariée dont le Pass IAE a expiré il y a trois mois revient vers "
                "nous. Peut-elle obtenir un nouveau Pass IAE ?",
        "answer": "Après la fin d'un Pass IAE, un délai de carence s'applique en principe avant "
                  "qu'un nouveau parcours puisse être ouvert, sauf dérogation accordée par un "
                  "prescripteur habilité au vu de la situation de la personne. Rapprochez-vous "
                  "du prescripteur avec un diagnostic à jour. La fiche pratique Pass IAE "
                  "rappelle les cas de dérogation.",
    },
    {
        "key": "pass_expire_vendredi", "topic": "pass_iae", "kinds": SIAE_KINDS,
        "urgent_case": "echeance_proche",
        "subject": "URGENT : le Pass IAE d'une salariée expire vendredi",
        "body": "Nous venons de nous apercevoir que le Pass IAE d'une salariée expire vendredi "
                "et la demande de prolongation n'a pas été faite. Que faire d'ici là ?",
        "answer": "Déposez aujourd'hui la demande de prolongation sur la plateforme de "
                  "l'inclusion, avec le motif et les justificatifs. Si le motif exige la "
                  "validation d'un prescripteur, appelez-le en précisant l'échéance de "
                  "vendredi. Gardez une trace de la demande : elle vous sera utile en cas de "
                  "contrôle. Tenez-moi informée de la réponse.",
    },
    {
        "key": "pass_suspension_maladie", "topic": "pass_iae", "kinds": SIAE_KINDS,
        "subject": "Suspension du Pass IAE pendant un long arrêt maladie",
        "body": "Un salarié en parcours est en arrêt maladie depuis quatre mois. Son Pass IAE "
                "continue-t-il de courir ? Peut-on le suspendre ?",
        "answer": "Le Pass IAE peut être suspendu dans certaines situations prévues par la "
                  "plateforme de l'inclusion, dont les arrêts de longue durée, afin que la durée "
                  "d'agrément ne soit pas consommée pendant l'absence. La suspension se demande "
                  "sur la plateforme, avec la date de début ; elle est levée à la reprise. "
                  "Vérifiez les motifs proposés dans le formulaire de suspension.",
    },
    {
        "key": "pass_atelier_ddets", "topic": "pass_iae", "asker": "state",
        "subject": "Atelier Pass IAE avec les prescripteurs du département",
        "body": "La DDETS souhaite organiser avec votre délégation un atelier sur le "
                "renouvellement des Pass IAE pour les prescripteurs du département. Pouvez-vous "
                "nous transmettre vos supports et un intervenant ?",
        "answer": "Avec plaisir. Nous vous transmettons le support des webinaires nationaux "
                  "Pass IAE et la fiche de diagnostic normalisé. Une juriste peut intervenir en "
                  "visio ; la délégation prendra contact avec vous pour fixer la date.",
    },
    {
        "key": "pass_partenaire_position", "topic": "pass_iae", "asker": "partner",
        "subject": "Position commune sur le renouvellement des Pass IAE",
        "body": "Notre réseau prépare une note commune sur le renouvellement des Pass IAE en "
                "association intermédiaire. Pouvez-vous nous indiquer les points que vous "
                "avez négociés avec la DGEFP ?",
        "answer": "Merci pour votre message. Les points portés par la fédération concernent "
                  "l'instruction simplifiée des renouvellements à partir du diagnostic de la "
                  "structure, la continuité des parcours en cours et l'accompagnement vers les "
                  "solutions de sortie. Notre note de synthèse vous est transmise ; un échange "
                  "entre nos équipes est possible la semaine prochaine.",
    },
    # --- contrat_professionnalisation ------------------------------------------------------
    {
        "key": "contrat_pro_inclusion", "topic": "contrat_professionnalisation",
        "subject": "Le contrat de professionnalisation inclusion existe-t-il encore ?",
        "body": "Nous avions utilisé le contrat de professionnalisation inclusion en 2022. "
                "L'expérimentation se poursuit-elle ? Sinon, quelle alternative pour un "
                "salarié qui veut se qualifier en logistique ?",
        "answer": "L'expérimentation du contrat de professionnalisation inclusion a fait l'objet "
                  "d'un bilan en 2023 ; vérifions ensemble si elle est reconduite à la date de "
                  "votre projet. Le contrat de professionnalisation de droit commun reste "
                  "ouvert aux demandeurs d'emploi, avec un financement de l'OPCO de "
                  "l'entreprise d'accueil. Pouvez-vous nous dire quel employeur et quelle "
                  "qualification sont visés ?",
    },
    {
        "key": "contrat_pro_apres_cddi", "topic": "contrat_professionnalisation",
        "kinds": ("ACI", "EI", "ETTI"),
        "subject": "Contrat de professionnalisation à la sortie d'un CDDI",
        "body": "Un salarié termine son CDDI et une entreprise partenaire veut l'embaucher en "
                "contrat de professionnalisation. Peut-il enchaîner directement ?",
        "answer": "Oui, rien n'interdit d'enchaîner. Le contrat de professionnalisation associe "
                  "formation et emploi chez l'entreprise, qui le fait financer par son OPCO. "
                  "Votre rôle est d'accompagner la transition : bilan de fin de parcours, "
                  "transmission des acquis avec l'accord du salarié. Le parcours IAE se "
                  "clôture sur la plateforme à la fin du CDDI.",
    },
    # --- cdi_inclusion ---------------------------------------------------------------------
    {
        "key": "cdi_inclusion_modele", "topic": "cdi_inclusion", "kinds": ("AI", "ACI"),
        "weight": 3,
        "subject": "Modèle de CDI inclusion en association intermédiaire",
        "body": "Nous accompagnons depuis quatre ans un salarié de 59 ans et envisageons un CDI "
                "inclusion. Pouvez-vous nous transmettre le modèle de contrat et le modèle "
                "d'aménagement du temps de travail ?",
        "answer": "Voici le modèle de CDI inclusion pour AI et ACI et le modèle d'aménagement du "
                  "temps de travail présentés lors des webinaires. Le CDI inclusion concerne "
                  "les personnes d'au moins 57 ans rencontrant des difficultés particulières. "
                  "Conservez dans le dossier les éléments du diagnostic justifiant ces "
                  "difficultés, ainsi que l'historique du parcours.",
    },
    {
        "key": "cdi_inclusion_age", "topic": "cdi_inclusion", "kinds": SIAE_KINDS,
        "subject": "CDI inclusion : à partir de quel âge ?",
        "body": "Une salariée de 56 ans termine bientôt son parcours. Peut-on lui proposer un "
                "CDI inclusion dès maintenant ?",
        "answer": "Le CDI inclusion est ouvert aux personnes âgées d'au moins 57 ans. À 56 ans, "
                  "votre salariée n'est pas encore éligible ; selon sa situation, une "
                  "prolongation dérogatoire de son parcours (motif d'âge de 50 ans et plus) "
                  "peut faire le lien jusqu'à ses 57 ans. Vérifiez la date de fin de son Pass "
                  "IAE.",
    },
    {
        "key": "cdi_inclusion_aide", "topic": "cdi_inclusion", "kinds": SIAE_KINDS,
        "subject": "Aide au poste pour un salarié en CDI inclusion",
        "body": "Question posée pendant le webinaire : l'aide au poste est-elle maintenue pour "
                "un salarié passé en CDI inclusion ?",
        "answer": "Le poste occupé en CDI inclusion continue d'être pris en compte dans le "
                  "conventionnement de la structure, dans les conditions fixées par les textes "
                  "et la convention signée avec la DDETS. Vérifiez avec votre DDETS la "
                  "déclaration du poste lors du prochain dialogue de gestion. Les supports du "
                  "webinaire CDI inclusion reprennent les points de vigilance.",
    },
    # --- services_a_la_personne ------------------------------------------------------------
    {
        "key": "sap_attestation_fiscale", "topic": "services_a_la_personne",
        "kinds": ("AI", "Proxim'Services"), "weight": 2,
        "subject": "Attestation fiscale annuelle de nos clients particuliers",
        "body": "Nos clients particuliers nous demandent une attestation pour leur crédit "
                "d'impôt. Que doit-elle contenir et quand l'envoyer ?",
        "answer": "Si votre structure est déclarée au titre des services à la personne, vous "
                  "remettez chaque année à vos clients une attestation fiscale récapitulant les "
                  "sommes payées pour les activités éligibles, avec les mentions prévues "
                  "(identité de l'intervenant ou numéro de déclaration, nature des prestations, "
                  "montants). Envoyez-la au premier trimestre de l'année suivante. Le modèle "
                  "figure dans la note 2023 sur les services à la personne.",
    },
    {
        "key": "sap_agrement_enfants", "topic": "services_a_la_personne",
        "kinds": ("AI", "Proxim'Services"),
        "subject": "Faut-il un agrément pour garder des enfants de moins de 3 ans ?",
        "body": "Une famille nous demande une intervenante pour garder ses enfants de 2 et 5 "
                "ans à domicile. Notre déclaration SAP suffit-elle ?",
        "answer": "Non : la garde à domicile d'enfants de moins de 3 ans relève des activités "
                  "soumises à agrément de l'État, au-delà de la simple déclaration. Sans cet "
                  "agrément, vous pouvez intervenir pour l'enfant de 5 ans seulement. La note "
                  "2023 sur les services à la personne liste les activités concernées.",
    },
    {
        "key": "sap_avance_immediate", "topic": "services_a_la_personne",
        "kinds": ("Proxim'Services",),
        "subject": "Avance immédiate du crédit d'impôt",
        "body": "Nos clients âgés voudraient ne payer que 50 % de nos factures grâce à "
                "l'avance immédiate. Comment y adhérer ?",
        "answer": "L'avance immédiate du crédit d'impôt permet au client de ne régler que le "
                  "reste à charge. La structure déclarée SAP s'inscrit auprès de l'URSSAF puis "
                  "transmet ses demandes de paiement pour chaque client inscrit ; le client "
                  "valide la facture en ligne. Comptez un délai de mise en place de quelques "
                  "semaines et adaptez votre facturation.",
    },
    # --- ett_ess ---------------------------------------------------------------------------
    {
        "key": "ett_ess_creation", "topic": "ett_ess", "kinds": ("AI",), "weight": 2,
        "subject": "Créer une ETT-ESS à plusieurs associations intermédiaires",
        "body": "Nous sommes quatre AI à vouloir créer ensemble une ETT-ESS pour nos salariés "
                "en fin de parcours. Quelle forme juridique choisir et faut-il une garantie "
                "financière dès l'ouverture ?",
        "answer": "Une SAS ou une SCIC permet d'associer plusieurs structures et de respecter "
                  "les principes de l'ETT-ESS, dont la détention à terme de 75 % du capital "
                  "par des entreprises de l'ESS. Toute entreprise de travail temporaire doit "
                  "justifier d'une garantie financière avant de démarrer et faire une "
                  "déclaration préalable à l'administration. Le FG2I peut apporter cette "
                  "garantie à ses membres. Nous vous proposons une séance de travail avec les "
                  "quatre AI.",
    },
    {
        "key": "ett_ess_garantie", "topic": "ett_ess", "kinds": ("ETT-ESS", "ETTI"),
        "subject": "Renouvellement de la garantie financière de notre ETT-ESS",
        "body": "Notre garantie financière arrive à échéance et le montant demandé augmente "
                "avec notre chiffre d'affaires. Comment est-il calculé ?",
        "answer": "Le montant de la garantie financière d'une entreprise de travail temporaire "
                  "est fixé chaque année en pourcentage du chiffre d'affaires de l'exercice "
                  "précédent, avec un plancher revalorisé annuellement. Le garant délivre "
                  "une attestation à transmettre à l'administration. Anticipez la demande "
                  "auprès de votre garant pour éviter toute interruption.",
    },
    # --- rse -------------------------------------------------------------------------------
    {
        "key": "rse_client_rapport", "topic": "rse", "kinds": ("EI", "ETTI", "ACI"),
        "subject": "Un grand client nous demande notre rapport RSE",
        "body": "Un client industriel nous demande un questionnaire RSE détaillé dans le cadre "
                "de son reporting. Sommes-nous soumis à la CSRD ?",
        "answer": "Non : la directive CSRD vise les grandes entreprises et certaines sociétés "
                  "cotées, selon des seuils que votre structure n'atteint pas. Vos clients "
                  "soumis à la directive interrogent en revanche leur chaîne de valeur. Vous "
                  "pouvez répondre à partir de vos indicateurs sociaux (sorties en emploi, "
                  "formation) et environnementaux ; le label CAP RSE de la fédération offre un "
                  "cadre reconnu.",
    },
    {
        "key": "cap_rse_demarche", "topic": "rse",
        "subject": "Comment s'engager dans le label CAP RSE ?",
        "body": "Notre conseil d'administration souhaite engager la structure dans le label "
                "CAP RSE. Quelles sont les étapes et qui réalise l'audit ?",
        "answer": "Le label CAP RSE s'inscrit dans la démarche d'amélioration continue CAP de la "
                  "fédération : autodiagnostic, plan d'action accompagné, puis audit par "
                  "l'AFNOR. Le référent CAP de votre délégation vous présentera le calendrier "
                  "et les financements possibles.",
    },
    # --- triple_exclusivite ----------------------------------------------------------------
    {
        "key": "triple_exclusivite_ai", "topic": "triple_exclusivite", "kinds": ("AI",),
        "weight": 2,
        "subject": "Triple exclusivité : notre AI est-elle concernée ?",
        "body": "Notre commissaire aux comptes a évoqué la « triple exclusivité » lors de la "
                "clôture des comptes. De quoi s'agit-il et notre association est-elle "
                "concernée ?",
        "answer": "La fédération a publié en 2023 une note sur la triple exclusivité qui "
                  "présente la règle, les structures concernées et les points de vigilance. Je "
                  "vous la transmets ; si après lecture votre situation reste ambiguë, "
                  "envoyez-nous vos statuts et la liste de vos activités et nous l'examinerons "
                  "avec la juriste.",
    },
    {
        "key": "triple_exclusivite_sap", "topic": "triple_exclusivite",
        "kinds": ("AI", "Proxim'Services"),
        "subject": "Triple exclusivité et nouvelle activité de services à la personne",
        "body": "Nous voulons ajouter une activité de petit jardinage chez les particuliers. "
                "Cela remet-il en cause la triple exclusivité dont parle la note de la "
                "fédération ?",
        "answer": "La note 2023 sur la triple exclusivité traite justement de l'articulation "
                  "avec les activités de services à la personne. Relisez la partie consacrée "
                  "aux activités nouvelles ; si votre projet n'y correspond pas exactement, "
                  "transmettez-nous une description de l'activité et nous vérifierons avec la "
                  "juriste.",
    },
    # --- eiti ------------------------------------------------------------------------------
    {
        "key": "eiti_creation", "topic": "eiti", "kinds": ("EI", "GES", "ACI"),
        "subject": "Créer une EITI : forme juridique et conventionnement",
        "body": "Nous souhaitons accompagner des micro-entrepreneurs en parcours d'insertion. "
                "Pouvons-nous créer une EITI et avec quel statut ?",
        "answer": "L'EITI est une SIAE expérimentale qui accompagne des travailleurs "
                  "indépendants en parcours d'insertion. Elle nécessite un conventionnement par "
                  "l'État et un modèle d'accompagnement spécifique (chiffre d'affaires des "
                  "travailleurs, temps d'accompagnement). Comme il s'agit d'une "
                  "expérimentation, vérifions d'abord son calendrier et les conditions en "
                  "vigueur ; la note 2023 sur l'EITI décrit le montage.",
    },
    {
        "key": "eiti_fin_experimentation", "topic": "eiti", "kinds": ("EITI",),
        "subject": "Fin de l'expérimentation EITI : quel avenir pour nos travailleurs ?",
        "body": "Nous accompagnons une trentaine de travailleurs indépendants. Que se passe-t-il "
                "pour eux et pour notre conventionnement à la fin de l'expérimentation ?",
        "answer": "La fin ou la prolongation de l'expérimentation dépend des textes en vigueur, "
                  "que nous suivons de près. Les parcours en cours ne s'interrompent pas du "
                  "jour au lendemain, mais il faut anticiper : échangez avec votre DDETS sur "
                  "votre convention et préparez pour chaque travailleur un plan de sortie. "
                  "Nous vous tiendrons informés dès la parution des textes.",
    },
    # --- mise_a_disposition_ebe ------------------------------------------------------------
    {
        "key": "ebe_mad_association", "topic": "mise_a_disposition_ebe", "kinds": ("EBE",),
        "weight": 2,
        "subject": "Mettre un salarié de l'EBE à disposition d'une association voisine",
        "body": "Une association du territoire voudrait bénéficier de deux jours par semaine "
                "d'un de nos salariés pour son épicerie solidaire. Comment organiser cette mise "
                "à disposition ?",
        "answer": "Il s'agit d'un prêt de main-d'œuvre à but non lucratif : une convention de "
                  "mise à disposition entre l'EBE et l'association, un avenant au contrat "
                  "signé par le salarié (son accord est indispensable) et une facturation "
                  "limitée aux salaires, charges et frais professionnels. Le CSE est informé "
                  "s'il existe. La note 2023 sur la mise à disposition en EBE contient un "
                  "modèle de convention.",
    },
    {
        "key": "ebe_mad_collectivite", "topic": "mise_a_disposition_ebe", "kinds": ("EBE",),
        "subject": "Mise à disposition d'un salarié de l'EBE auprès de la mairie",
        "body": "La mairie nous sollicite pour l'entretien d'un jardin partagé avec un de nos "
                "salariés. Est-ce compatible avec la non-concurrence des activités de l'EBE ?",
        "answer": "La mise à disposition reste possible dans le cadre du prêt de main-d'œuvre "
                  "non lucratif, mais l'activité confiée doit rester cohérente avec le principe "
                  "de non-concurrence avec les emplois existants sur le territoire, validé par "
                  "le comité local pour l'emploi. Présentez le projet au CLE avant de signer la "
                  "convention ; la note 2023 sur la mise à disposition en EBE précise la "
                  "procédure.",
    },
    # --- conservation_documents ------------------------------------------------------------
    {
        "key": "conservation_dossiers_salaries", "topic": "conservation_documents", "weight": 2,
        "subject": "Combien de temps garder les dossiers des salariés partis ?",
        "body": "Nos armoires débordent de dossiers de salariés en parcours partis depuis "
                "plusieurs années. Que pouvons-nous détruire et que devons-nous garder ?",
        "answer": "Quelques repères : les bulletins de paie (double employeur) et les éléments "
                  "de salaire se conservent 5 ans, le registre du personnel 5 ans après le "
                  "départ du salarié, les contrats de travail au moins 5 ans après la fin du "
                  "contrat. Les pièces utiles aux contrôles de l'aide au poste et des fonds "
                  "européens peuvent exiger des durées plus longues. La note 2023 sur la durée "
                  "de conservation des documents détaille chaque catégorie ; détruisez ensuite "
                  "de façon sécurisée.",
    },
    {
        "key": "conservation_justificatifs_fse", "topic": "conservation_documents",
        "subject": "Conserver les justificatifs pour le FSE+",
        "body": "Notre action est cofinancée par le FSE+. Combien de temps garder les feuilles "
                "d'émargement et les justificatifs d'éligibilité des participants ?",
        "answer": "Les fonds européens imposent une conservation des pièces justificatives "
                  "pendant une durée calculée à partir de la clôture du programme, souvent bien "
                  "au-delà des durées du code du travail : reportez-vous à votre convention de "
                  "financement, qui fait foi. Conservez les originaux ou leur copie numérique "
                  "fidèle. La note 2023 sur la conservation des documents a une partie sur les "
                  "financeurs.",
    },
    # --- ues -------------------------------------------------------------------------------
    {
        "key": "ues_ges", "topic": "ues", "kinds": ("GES",), "weight": 2,
        "subject": "Reconnaître une UES entre les structures de notre groupe",
        "body": "Notre GES réunit une AI, un ACI et une EI avec une direction commune. Les "
                "salariés voudraient un CSE commun. Faut-il reconnaître une UES et comment ?",
        "answer": "Une unité économique et sociale peut être reconnue entre des entités "
                  "juridiquement distinctes lorsqu'elles ont une concentration des pouvoirs de "
                  "direction, des activités similaires ou complémentaires et une communauté de "
                  "travailleurs. La reconnaissance se fait par accord collectif entre les "
                  "entités et les syndicats représentatifs, ou à défaut par le juge. Elle "
                  "entraîne la mise en place d'un CSE commun. La note 2023 sur l'UES détaille "
                  "les étapes ; organisons un rendez-vous.",
    },
    # --- petite_enfance --------------------------------------------------------------------
    {
        "key": "micro_creche", "topic": "petite_enfance", "kinds": ("ACI", "GES", "EI"),
        "subject": "Ouvrir une micro-crèche portée par notre structure",
        "body": "Nous souhaitons ouvrir une micro-crèche pour permettre à nos salariées en "
                "parcours de reprendre un emploi. Quelles autorisations et quels "
                "financements ?",
        "answer": "Une micro-crèche accueille au plus 12 enfants. Son ouverture est autorisée "
                  "par le président du conseil départemental après avis des services de PMI, "
                  "au vu d'un projet d'établissement et de locaux conformes. Le financement "
                  "passe soit par la prestation de service unique de la CAF, soit par le "
                  "complément de libre choix du mode de garde versé aux familles. La note 2023 "
                  "sur les structures de la petite enfance compare les deux modèles.",
    },
    {
        "key": "creche_avip", "topic": "petite_enfance",
        "subject": "Places en crèche à vocation d'insertion professionnelle",
        "body": "Des salariées en parcours peinent à trouver une solution de garde. Comment "
                "fonctionnent les crèches AVIP et pouvons-nous réserver des places ?",
        "answer": "Les crèches à vocation d'insertion professionnelle réservent des places à des "
                  "parents sans emploi engagés dans une démarche d'insertion, en lien avec le "
                  "service public de l'emploi ; le label est délivré avec la CAF. Rapprochez-vous "
                  "de la CAF et des crèches labellisées proches de vos chantiers pour convenir "
                  "d'un circuit d'orientation.",
    },
    # --- procedures_collectives ------------------------------------------------------------
    {
        "key": "cessation_paiements", "topic": "procedures_collectives",
        "urgent_case": "redressement_judiciaire",
        "subject": "Cessation des paiements : le conseil d'administration se réunit jeudi",
        "body": "Avec le retard de versement de l'aide au poste et la perte d'un marché, nous "
                "ne pouvons plus payer les salaires de fin de mois. Le conseil d'administration "
                "se réunit jeudi. Faut-il déposer le bilan ?",
        "answer": "Si la structure ne peut plus faire face à son passif exigible avec son actif "
                  "disponible, elle est en cessation des paiements et doit la déclarer au "
                  "tribunal compétent dans les 45 jours. Une procédure de sauvegarde reste "
                  "possible tant que la cessation n'est pas constituée. Le redressement "
                  "judiciaire permet de poursuivre l'activité, et l'AGS garantit les salaires "
                  "impayés. Préparez pour jeudi un état de trésorerie à 3 mois ; nous vous "
                  "appelons demain à 10 h avec la juriste en droit des affaires.",
    },
    {
        "key": "liquidation_salaries", "topic": "procedures_collectives",
        "urgent_case": "liquidation_judiciaire",
        "subject": "Liquidation judiciaire prononcée : que dire aux salariés ?",
        "body": "Le tribunal a prononcé hier la liquidation judiciaire de notre EI. Les "
                "salariés en parcours nous interrogent sur leurs salaires et leur avenir. "
                "Quel est notre rôle maintenant ?",
        "answer": "Le liquidateur désigné par le tribunal administre désormais la structure : "
                  "c'est lui qui procède aux licenciements pour motif économique dans les délais "
                  "légaux et qui sollicite l'AGS pour les salaires et indemnités dus. Transmettez "
                  "-lui sans délai la liste du personnel et les éléments de paie. Informez les "
                  "salariés et les prescripteurs pour organiser la suite des parcours dans "
                  "d'autres SIAE ; la délégation peut aider. Nous restons joignables.",
    },
    {
        "key": "client_redressement", "topic": "procedures_collectives", "weight": 2,
        "subject": "Un client placé en redressement judiciaire ne nous paie plus",
        "body": "Une entreprise cliente a été placée en redressement judiciaire le mois dernier "
                "et nous doit trois factures de mise à disposition. Comment récupérer notre "
                "argent ?",
        "answer": "Vous devez déclarer votre créance au mandataire judiciaire dans les deux mois "
                  "suivant la publication du jugement au BODACC, avec les factures et le "
                  "contrat. Sans déclaration dans ce délai, la créance n'est pas prise en "
                  "compte. Les prestations réalisées après le jugement doivent en revanche être "
                  "payées à leur échéance : n'hésitez pas à les réclamer à l'administrateur.",
    },
    # --- mecenat_rescrit -------------------------------------------------------------------
    {
        "key": "recus_fiscaux", "topic": "mecenat_rescrit", "weight": 2,
        "subject": "Pouvons-nous délivrer des reçus fiscaux à nos donateurs ?",
        "body": "Une fondation d'entreprise souhaite nous faire un don et demande un reçu "
                "fiscal. Notre association d'insertion a une activité économique. "
                "Pouvons-nous en délivrer ?",
        "answer": "Le reçu fiscal n'est possible que si l'association est d'intérêt général : "
                  "gestion désintéressée, activité non lucrative prépondérante, cercle non "
                  "restreint de bénéficiaires. Pour une structure ayant une activité "
                  "économique, la question mérite une analyse, et la voie la plus sûre est le "
                  "rescrit fiscal auprès de l'administration, qui dispose de six mois pour "
                  "répondre. Délivrer des reçus à tort expose à une amende : prenons le temps "
                  "d'examiner vos statuts et vos comptes.",
    },
    {
        "key": "mecenat_competences", "topic": "mecenat_rescrit",
        "subject": "Mécénat de compétences d'une entreprise partenaire",
        "body": "Une entreprise veut nous mettre à disposition un contrôleur de gestion deux "
                "jours par mois au titre du mécénat de compétences. Comment l'encadrer ?",
        "answer": "Le mécénat de compétences est un prêt de main-d'œuvre : une convention entre "
                  "l'entreprise et votre association fixe les missions, la durée et la "
                  "valorisation (coût salarial). L'entreprise peut bénéficier de la réduction "
                  "d'impôt mécénat si votre association est éligible aux dons ; dans ce cas, "
                  "vous lui délivrez un reçu pour la valeur de la mise à disposition.",
    },
    # --- structuration_juridique -----------------------------------------------------------
    {
        "key": "association_vers_scic", "topic": "structuration_juridique",
        "kinds": ("ACI", "EI", "PTCE"),
        "subject": "Transformer notre association en SCIC",
        "body": "Nous réfléchissons à transformer l'association en SCIC pour associer les "
                "salariés, les collectivités et les clients. Est-ce possible sans créer une "
                "nouvelle personne morale ?",
        "answer": "Oui : la loi permet la transformation d'une association en SCIC sans création "
                  "d'un être moral nouveau, sous réserve d'une décision de l'assemblée générale "
                  "dans les conditions prévues par vos statuts. La SCIC doit réunir au moins "
                  "trois catégories d'associés, dont les salariés et les bénéficiaires. Les "
                  "réserves et subventions font l'objet de règles particulières, et le "
                  "conventionnement IAE doit être signalé à la DDETS. Travaillons ensemble le "
                  "calendrier.",
    },
    {
        "key": "ptce_structure", "topic": "structuration_juridique", "asker": "ptce",
        "weight": 2,
        "subject": "Créneau juri-PTCE : quelle structure pour porter notre PTCE ?",
        "body": "Notre pôle réunit une recyclerie, deux SIAE, une entreprise de transport et "
                "l'intercommunalité. Faut-il créer une association, une SCIC ou rester en "
                "convention de coopération ?",
        "answer": "Comme évoqué pendant le créneau juri-PTCE : la convention de coopération "
                  "suffit au démarrage ; l'association est simple et souple mais associe "
                  "difficilement une collectivité à des activités économiques ; la SCIC permet "
                  "d'associer salariés, entreprises et collectivité au capital et convient si "
                  "le pôle porte lui-même une activité. Vous trouverez en pièce jointe le "
                  "tableau comparatif ; un second créneau peut être réservé.",
    },
    {
        "key": "ptce_mutualisation", "topic": "structuration_juridique", "asker": "ptce",
        "subject": "Mutualiser un poste de coordinateur entre les membres du PTCE",
        "body": "Les membres du PTCE veulent partager un coordinateur. Qui doit être "
                "l'employeur et comment refacturer son temps ?",
        "answer": "Un membre peut employer le coordinateur et le mettre à disposition des "
                  "autres dans le cadre d'un prêt de main-d'œuvre à but non lucratif "
                  "(refacturation au coût réel), ou le pôle peut se doter d'une structure "
                  "employeuse, voire d'un groupement d'employeurs. Le choix dépend de la "
                  "durée du projet et des financements ; nous vous proposons un second "
                  "créneau pour en discuter.",
    },
    {
        "key": "creation_ges", "topic": "structuration_juridique", "kinds": ("AI", "ACI", "GES"),
        "subject": "Créer un groupe économique solidaire : quelle tête de groupe ?",
        "body": "Notre AI et notre ACI partagent déjà leur direction. Nous voulons créer une "
                "tête de groupe : association, fonds de dotation ou SAS ?",
        "answer": "La tête de groupe peut être une association (souplesse, gouvernance "
                  "associative), une SAS (détention de titres, gouvernance sur mesure) ou plus "
                  "rarement un fonds de dotation. Le choix dépend des liens capitalistiques "
                  "voulus, de la fiscalité et des financements. Pensez aussi aux conséquences "
                  "pour la représentation du personnel (éventuelle UES) et à la convention de "
                  "trésorerie. Un rendez-vous est nécessaire pour comparer les options.",
    },
    {
        "key": "fusion_associations", "topic": "structuration_juridique", "asker": "partner",
        "subject": "Fusion de deux associations membres de nos deux réseaux",
        "body": "Deux associations adhérentes à la fois à notre réseau et au vôtre envisagent "
                "de fusionner. Pouvez-vous nous indiquer les grandes étapes juridiques ?",
        "answer": "La fusion d'associations suit un projet de traité de fusion adopté par les "
                  "organes compétents de chaque association, publié au moins 30 jours avant "
                  "les assemblées qui l'approuvent. Les contrats de travail sont transférés à "
                  "l'association absorbante, et les conventionnements IAE doivent être revus "
                  "avec la DDETS. Nous pouvons accompagner les deux structures ensemble.",
    },
    # --- competence_tribunaux --------------------------------------------------------------
    {
        "key": "impaye_tribunal", "topic": "competence_tribunaux", "weight": 2,
        "subject": "Facture impayée : quel tribunal saisir ?",
        "body": "Un client professionnel refuse de payer une facture de 4 800 euros malgré nos "
                "relances. Quel tribunal saisir et faut-il un avocat ?",
        "answer": "Commencez par une mise en demeure par lettre recommandée. Pour une créance "
                  "certaine, la requête en injonction de payer est rapide et peu coûteuse. Une "
                  "association non commerçante saisit en principe le tribunal judiciaire, "
                  "tandis qu'un litige entre commerçants relève du tribunal de commerce. "
                  "L'avocat n'est pas obligatoire pour une injonction de payer ; il peut "
                  "l'être ensuite selon la procédure et le montant.",
    },
    {
        "key": "recours_conventionnement", "topic": "competence_tribunaux",
        "subject": "Refus de conventionnement : recours possible ?",
        "body": "La DDETS vient de refuser le renouvellement de notre conventionnement pour un "
                "de nos ateliers. Pouvons-nous contester cette décision et devant qui ?",
        "answer": "La décision de refus est une décision administrative : vous pouvez former un "
                  "recours gracieux auprès du préfet ou un recours contentieux devant le "
                  "tribunal administratif dans un délai de deux mois à compter de sa "
                  "notification. Le recours gracieux interrompt ce délai. Demandez d'abord les "
                  "motifs précis et l'avis du CDIAE ; transmettez-nous la décision.",
    },
    # --- aide_au_poste ---------------------------------------------------------------------
    {
        "key": "modulation_aide", "topic": "aide_au_poste", "weight": 2, "kinds": SIAE_KINDS,
        "subject": "Comment est calculée la part modulée de l'aide au poste ?",
        "body": "Lors du dialogue de gestion, la DDETS nous a annoncé une part modulée plus "
                "faible que l'an dernier. Sur quels critères est-elle fixée ?",
        "answer": "L'aide au poste comprend un montant socle et une part modulée, fixée chaque "
                  "année par la DDETS au vu de critères portant notamment sur le profil des "
                  "personnes accueillies, l'effort d'accompagnement et les résultats en sortie "
                  "de parcours. Demandez le détail des indicateurs retenus pour votre structure "
                  "et préparez vos éléments qualitatifs pour le prochain dialogue de gestion.",
    },
    {
        "key": "dialogue_gestion", "topic": "aide_au_poste", "kinds": SIAE_KINDS,
        "subject": "Préparer le dialogue de gestion avec la DDETS",
        "body": "Notre premier dialogue de gestion a lieu dans trois semaines. Quels documents "
                "préparer et quels points défendre ?",
        "answer": "Préparez le bilan de l'année (postes conventionnés et réalisés, profils "
                  "accueillis, actions d'accompagnement et de formation, sorties), le budget "
                  "prévisionnel et vos projets. Mettez en avant les difficultés rencontrées "
                  "(recrutement, prescriptions) et les partenariats. La délégation peut vous "
                  "faire relire votre dossier.",
    },
    {
        "key": "retard_versement_asp", "topic": "aide_au_poste", "kinds": SIAE_KINDS,
        "subject": "Retard de versement de l'aide au poste",
        "body": "Nous n'avons pas reçu l'aide au poste depuis deux mois et notre trésorerie "
                "devient tendue. À qui nous adresser ?",
        "answer": "Vérifiez d'abord que vos états mensuels ont bien été saisis et validés dans "
                  "l'extranet de l'ASP, et que l'annexe financière de l'année est signée : "
                  "c'est la cause la plus fréquente des retards. Sinon, signalez le blocage à "
                  "la DDETS et à l'ASP par écrit. Si la trésorerie devient critique, "
                  "prévenez-nous sans attendre.",
    },
    {
        "key": "conventionnement_cdiae", "topic": "aide_au_poste", "asker": "state",
        "subject": "Conventionnement d'une nouvelle association intermédiaire",
        "body": "Une nouvelle association intermédiaire demande son conventionnement. Pouvez-vous "
                "nous rappeler la position de la fédération sur l'accompagnement des "
                "structures en création ?",
        "answer": "Merci pour votre sollicitation. La fédération accompagne les structures en "
                  "création par sa délégation régionale (diagnostic du projet, mise en relation "
                  "avec des AI du territoire, appui sur les modèles de contrats). Nous pouvons "
                  "présenter le projet avec la structure lors du prochain CDIAE si vous le "
                  "jugez utile.",
    },
    {
        "key": "aide_poste_delegation", "topic": "aide_au_poste", "asker": "delegate",
        "level": "expert",
        "subject": "Note pour la réunion régionale sur l'aide au poste en AI",
        "body": "Je rencontre la DREETS le mois prochain avec les AI de la région au sujet de "
                "l'aide au poste. Pouvez-vous me transmettre les éléments d'analyse de la "
                "fédération et les chiffres nationaux ?",
        "answer": "Je t'envoie la note d'analyse de la fédération sur l'aide au poste en AI, "
                  "avec la demande de doublement et les critiques de la formule de 2014 "
                  "relevées par l'IGAS. Les chiffres nationaux du dernier rapport sont en "
                  "annexe. Appelons-nous la veille de la réunion.",
    },
    # --- autre -----------------------------------------------------------------------------
    {
        "key": "rgpd_dossiers", "topic": "autre",
        "subject": "Données personnelles de nos salariés en parcours",
        "body": "Nos CIP notent beaucoup d'informations sur la santé et la situation familiale "
                "des salariés dans un tableur partagé. Que devons-nous faire pour être en "
                "règle ?",
        "answer": "Ne collectez que les données nécessaires à l'accompagnement, limitez l'accès "
                  "aux seules personnes qui en ont besoin et fixez une durée de conservation. "
                  "Les données de santé sont des données sensibles : évitez-les dans un tableur "
                  "partagé et préférez un outil sécurisé. Informez les salariés de l'usage de "
                  "leurs données et tenez un registre des traitements.",
    },
    {
        "key": "comptable_adhesion", "topic": "autre", "asker": "other",
        "subject": "Adhésion d'une structure cliente à la fédération",
        "body": "Je suis expert-comptable d'une association qui envisage d'adhérer à votre "
                "fédération. Pouvez-vous m'indiquer les conditions d'adhésion et le service "
                "juridique proposé ?",
        "answer": "Merci de votre intérêt. Les conditions d'adhésion et le barème des "
                  "cotisations sont communiqués par la délégation régionale, que nous mettons "
                  "en copie. Le service juridique répond aux questions des structures "
                  "adhérentes ; l'association pourra nous solliciter directement une fois "
                  "adhérente.",
    },
    {
        "key": "delegue_relecture", "topic": "autre", "asker": "delegate",
        "subject": "Relecture d'une présentation pour le forum régional de l'emploi",
        "body": "J'interviens au forum régional sur le cadre juridique de l'IAE. Peux-tu "
                "relire les cinq diapositives sur les contrats et le Pass IAE ?",
        "answer": "Relu : deux corrections sur la durée du CDDI et sur la prolongation du Pass "
                  "IAE, annotées dans la version jointe. Pense à indiquer la date de mise à "
                  "jour sur la première diapositive.",
    },
    {
        "key": "delegue_question_ues", "topic": "ues", "asker": "delegate",
        "subject": "Question d'un adhérent sur une UES entre deux structures",
        "body": "Un GES de ma région s'interroge sur une UES entre son AI et son EI. Avant "
                "de lui répondre, peux-tu me dire si la direction commune suffit ?",
        "answer": "Non, la direction commune ne suffit pas : il faut aussi des activités "
                  "similaires ou complémentaires et une communauté de travailleurs. La note "
                  "2023 sur l'UES reprend les critères ; tu peux la leur transmettre, et je "
                  "peux les recevoir si le projet avance.",
    },
)
