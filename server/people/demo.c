/* demo.c - the demo data set: a GHT, an ARS, two ESMS, their people and their communities.
 *
 * Everyone here is fictional. Addresses use the reserved .test top-level domain
 * (RFC 2606), so no message can ever reach a real mailbox. The community
 * descriptions paraphrase the texts in shared/corpus (a forum thread on
 * collaborative tools in hospitals, a DMP testimony, ANAP workshop notes, a
 * dispatch on the ARS "Territoire de soins numérique" programme).
 */
#include <stdio.h>

#include "people/demo.h"

const char people_demo_password[] = "Relais-Demo-2026!";

const demo_org demo_orgs[] = {
    {"ght", "GHT Vaucluse"},
    {"ars", "ARS Provence-Alpes-Côte d'Azur"},
    {"esms", "EHPAD Les Oliviers"},
    {"esms", "IME Le Mistral"},
};
const int demo_norgs = sizeof demo_orgs / sizeof demo_orgs[0];

enum { GHT, ARS, EHPAD, IME, NO_ORG = -1 };

const demo_person demo_people[] = {
    {"claire.vidal@ght-vaucluse.test", "Claire Vidal", GHT,
     "Administratrice de la plateforme Relais", "Service informatique territorial, Avignon",
     "04 90 00 10 01", "J'administre Relais pour le GHT : comptes, organisations et traces. "
     "Écrivez-moi pour toute question d'accès.", true, false},
    {"helene.garnier@ght-vaucluse.test", "Hélène Garnier", GHT, "Directrice des soins",
     "Centre hospitalier d'Avignon", "04 90 00 10 02",
     "Directrice des soins du GHT Vaucluse, je coordonne les cadres de santé des dix "
     "établissements.", false, false},
    {"julien.roux@ght-vaucluse.test", "Julien Roux", GHT,
     "Directeur des systèmes d'information (DSI)", "Centre hospitalier d'Avignon",
     "04 90 00 10 03", "Convergence numérique du GHT : annuaire commun, dossier patient "
     "territorial, sécurité du SI.", false, false},
    {"nadia.benali@ght-vaucluse.test", "Nadia Benali", GHT, "Cadre de santé, pôle médecine",
     "Centre hospitalier de Carpentras", "04 90 00 20 11", "", false, false},
    {"thomas.lefevre@ght-vaucluse.test", "Thomas Lefèvre", GHT,
     "Chef de projet dossier patient informatisé", "Centre hospitalier de Cavaillon-Lauris",
     "04 90 00 30 21", "Je pilote le déploiement du DPI et l'alimentation du DMP.", false, false},
    {"elodie.fabre@ght-vaucluse.test", "Élodie Fabre", GHT,
     "Animatrice qualité et gestion des risques", "Centre hospitalier d'Avignon",
     "04 90 00 10 04", "", false, false},
    {"marc.aubert@ght-vaucluse.test", "Marc Aubert", GHT,
     "Médecin responsable du département d'information médicale (DIM)",
     "Centre hospitalier d'Apt", "04 90 00 40 31", "", false, false},
    {"sandrine.morel@ars-paca.test", "Sandrine Morel", ARS, "Chargée de mission e-santé",
     "Délégation départementale de Vaucluse", "04 13 00 50 01",
     "Programme ESMS numérique et coordination ville-hôpital en Vaucluse.", false, false},
    {"francois.girard@ars-paca.test", "François Girard", ARS,
     "Référent systèmes d'information de l'offre de soins", "Siège de l'ARS, Marseille",
     "04 13 00 50 02", "", false, false},
    {"paul.chabert@ehpad-les-oliviers.test", "Paul Chabert", EHPAD, "Médecin coordonnateur",
     "EHPAD Les Oliviers, L'Isle-sur-la-Sorgue", "04 90 00 60 01", "", false, false},
    {"isabelle.roche@ehpad-les-oliviers.test", "Isabelle Roche", EHPAD,
     "Directrice d'établissement", "EHPAD Les Oliviers, L'Isle-sur-la-Sorgue",
     "04 90 00 60 02", "", false, false},
    {"karim.haddad@ime-le-mistral.test", "Karim Haddad", IME, "Chef de service éducatif",
     "IME Le Mistral, Orange", "04 90 00 70 01", "", false, false},
    {"anne-laure.blanc@ime-le-mistral.test", "Anne-Laure Blanc", IME,
     "Coordinatrice de parcours", "IME Le Mistral, Orange", "04 90 00 70 02", "", false, false},
    {"mathilde.perrin@aidants-du-comtat.test", "Mathilde Perrin", NO_ORG,
     "Coordinatrice, association Les Aidants du Comtat", "Carpentras",
     "", "", false, true},
};
const int demo_npeople = sizeof demo_people / sizeof demo_people[0];

enum { CLAIRE, HELENE, JULIEN, NADIA, THOMAS, ELODIE, MARC, SANDRINE, FRANCOIS, PAUL, ISABELLE,
       KARIM, ANNE_LAURE, MATHILDE };

#define A "animator"
#define M "member"
#define G "guest"

const demo_community demo_communities[] = {
    {"solutions-collaboratives", "Solutions collaboratives en santé", "public", false, GHT,
     "Un espace ouvert à tous les professionnels du GHT, de l'ARS et des établissements "
     "médico-sociaux pour partager leurs expériences d'outils collaboratifs : GED et réseau "
     "social d'entreprise, partage de documents, gestion des droits, messagerie sécurisée.\n\n"
     "Le constat de départ, posé sur un forum d'informaticiens hospitaliers : nous pensons à "
     "des solutions collaboratives pour organiser le parcours du patient alors que nous les "
     "exploitons très peu au sein de nos organisations, encore « embourbées dans la gestion "
     "des droits et le suivi des versions des documents ». Quand serons-nous prêts à "
     "abandonner fichiers bureautiques et listes de diffusion ? Et comment concilier le "
     "cloud avec le RGPD et l'hébergement de données de santé (HDS) ?",
     {{ELODIE, A}, {JULIEN, M}, {THOMAS, M}, {NADIA, M}, {SANDRINE, M}, {ISABELLE, M},
      {KARIM, M}, {CLAIRE, M}, {-1, NULL}},
     -1},
    {"projet-dmp", "Projet DMP et dossier patient", "restricted", false, GHT,
     "Le groupe projet qui alimente le DMP (dossier médical partagé) depuis le dossier "
     "patient informatisé du GHT : destinataires par défaut pour chaque modèle de document, "
     "tableau de bord des patients équipés d'un DMP, déploiement de l'INS (identifiant "
     "national de santé) et de Mon espace santé.\n\nRéservé aux équipes DPI, DIM et DSI : "
     "demandez à le rejoindre si vous y contribuez.",
     {{THOMAS, A}, {JULIEN, M}, {MARC, M}, {PAUL, M}, {-1, NULL}},
     NADIA},
    {"direction-des-soins", "Direction des soins — GHT", "secret", false, GHT,
     "Espace de la direction des soins et des cadres de santé du GHT Vaucluse : mobilité des "
     "soignants entre les dix établissements, organisation des équipes, préparation des "
     "instances. Sur invitation uniquement.",
     {{HELENE, A}, {NADIA, M}, {ELODIE, M}, {-1, NULL}},
     -1},
    {"parcours-personnes-agees", "Parcours des personnes âgées — hôpital, EHPAD et aidants",
     "restricted", false, EHPAD,
     "La coordination entre les centres hospitaliers, l'EHPAD Les Oliviers et les aidants : "
     "plannings d'activités à synchroniser entre structures, dossier usager informatisé (DUI) "
     "et lien avec le DMP, retours d'hospitalisation. Un espace partagé avec l'association "
     "partenaire Les Aidants du Comtat.",
     {{ISABELLE, A}, {PAUL, M}, {HELENE, M}, {SANDRINE, M}, {MATHILDE, G}, {-1, NULL}},
     -1},
    {"esms-numerique", "Programme ESMS numérique", "public", false, ARS,
     "Le programme ESMS numérique dans les établissements et services médico-sociaux du "
     "Vaucluse : choix et déploiement du dossier usager informatisé, services socles, "
     "identification unique et interopérabilité avec le DMP et l'e-parcours. Les ateliers de "
     "la communauté de pratiques y partagent leurs cas d'usage.",
     {{SANDRINE, A}, {KARIM, M}, {ANNE_LAURE, M}, {ISABELLE, M}, {FRANCOIS, M}, {-1, NULL}},
     -1},
    {"territoire-soins-numerique", "Territoire de soins numérique 2014-2017", "restricted", true,
     ARS,
     "Retour d'expérience du programme Territoire de soins numérique (TSN), financé de 2014 à "
     "2017 par le programme d'investissements d'avenir pour développer des services "
     "numériques de coordination des soins. Espace archivé, en lecture seule.",
     {{FRANCOIS, A}, {SANDRINE, M}, {JULIEN, M}, {-1, NULL}},
     -1},
};
const int demo_ncommunities = sizeof demo_communities / sizeof demo_communities[0];

void people_demo_print_logins(FILE *out)
{
    fprintf(out, "password of every demo account / mot de passe : %s\n", people_demo_password);
    for (int i = 0; i < demo_npeople; i++) {
        const demo_person *p = &demo_people[i];
        const char *org = p->org >= 0 ? demo_orgs[p->org].name : "partenaire externe";
        fprintf(out, "%-40s %s%s%s, %s (%s)\n", p->email, p->admin ? "[admin] " : "",
                p->guest ? "[invitée] " : "", p->name, p->job, org);
    }
}
