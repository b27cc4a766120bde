"""Fictional texts for the life of a demo ticket (data only): requests, replies, notes, reasons."""

from __future__ import annotations

CLARIFICATIONS: tuple[str, ...] = (
    "Pour vous répondre précisément, pouvez-vous nous transmettre une copie du contrat concerné ?",
    "Pouvez-vous préciser le type de contrat et la date d'embauche du salarié concerné ?",
    "Merci de nous indiquer l'effectif de la structure sur les douze derniers mois.",
    "Pouvez-vous nous envoyer vos statuts à jour et le dernier procès-verbal d'assemblée ?",
    "Avant de vous répondre, pouvez-vous nous dire si votre convention collective prévoit "
    "des dispositions sur ce point ?",
    "Pouvez-vous nous transmettre le courrier reçu et la date à laquelle il vous a été remis ?",
)

REQUESTER_DETAILS: tuple[str, ...] = (
    "Voici les éléments demandés, en pièce jointe. Merci pour votre aide.",
    "Le contrat a été signé il y a quatre mois ; je vous joins la copie.",
    "Nous avions 9 salariés en moyenne, avec un pic à 14 en été.",
    "Nous appliquons la convention collective des ateliers et chantiers d'insertion.",
    "Vous trouverez ci-joint les statuts et le dernier procès-verbal.",
    "Le courrier nous a été remis lundi ; je vous l'envoie scanné.",
)

FOLLOW_UPS: tuple[str, ...] = (
    "Merci pour cette réponse. Une précision : la règle est-elle la même pour nos salariés "
    "à temps partiel ?",
    "Merci. Le client conteste votre analyse : pouvons-nous en reparler ?",
    "Merci, mais la DDETS nous indique une règle différente. Pouvez-vous vérifier ?",
    "Merci pour ces éléments. Auriez-vous un modèle de courrier à nous transmettre ?",
)

FOLLOW_UP_ANSWERS: tuple[str, ...] = (
    "La règle s'applique de la même façon aux salariés à temps partiel, au prorata de leur "
    "durée de travail.",
    "J'ai repris le point avec la juriste : notre analyse est confirmée. Je vous joins les "
    "références pour votre échange.",
    "Vous trouverez ci-joint un modèle de courrier à adapter à votre situation.",
    "Après vérification, la DDETS applique une instruction locale : je vous conseille de lui "
    "demander une confirmation écrite, que nous pourrons examiner.",
)

INTERNAL_NOTES: tuple[str, ...] = (
    "Question déjà traitée pour une autre structure : réponse adaptée de la note existante.",
    "Vérifié dans la note 2023 et la dernière mise à jour réglementaire.",
    "À suivre : prévoir un article de veille si d'autres structures posent la question.",
    "Échange téléphonique avec la direction : contexte compris, réponse écrite à suivre.",
    "Proposer cette question comme fiche de la base de connaissances une fois anonymisée.",
    "Point de vigilance : vérifier la date d'entrée en vigueur du texte cité.",
)

URGENT_NOTES: tuple[str, ...] = (
    "Rendez-vous téléphonique fixé dans la journée avec la direction.",
    "Visio organisée avec la direction et le délégué régional ; compte rendu à envoyer.",
    "Appel passé : premières mesures conseillées, réponse écrite complète envoyée ensuite.",
)

CONFIDENTIAL_REASON = "Cas urgent sensible : accès limité à la juriste en charge et au pôle."

FALSE_ALARM_REASON = "Fausse alerte : pas d'urgence pour la structure après vérification."

CALLBACK_NOTES: tuple[str, ...] = (
    "La direction souhaite un appel d'une juriste aujourd'hui.",
    "Demande de rendez-vous rapide en visio, relayée par la délégation.",
)

ESCALATION_REASONS: tuple[str, ...] = (
    "Situation individuelle qui demande une analyse juridique approfondie.",
    "Risque de contentieux : avis de la juriste nécessaire.",
    "Question hors du champ des fiches existantes.",
    "La structure demande une validation écrite par une juriste.",
)

DEESCALATION_REASONS: tuple[str, ...] = (
    "Question de premier niveau : la fiche existante répond, la délégation peut traiter.",
    "Renvoi vers la délégation, qui connaît la structure et le contexte local.",
)

WEBINAR_TITLES: tuple[str, ...] = (
    "Pass IAE : renouvellements et prolongations",
    "CDI inclusion : cadre juridique et mise en œuvre",
    "Accès à la commande publique pour les SIAE",
)

STAFF_CLOSE_NOTES: tuple[str, ...] = (
    "Sans nouvelles de la structure depuis trois semaines : demande close.",
    "Clôture après réponse, sans retour de la structure.",
)
