/* demo.h - the demo data set as tables (demo.c), loaded by demo_store.c. */
#ifndef RELAIS_PEOPLE_DEMO_H
#define RELAIS_PEOPLE_DEMO_H

#include <stdbool.h>

#include "people/people.h"

#define DEMO_MAX_MEMBERS 12

typedef struct demo_org {
    const char *kind;
    const char *name;
} demo_org;

typedef struct demo_person {
    const char *email, *name;
    int org;                    /* index in demo_orgs, -1 = external partner */
    const char *job, *place, *phone, *bio;
    bool admin, guest;
} demo_person;

typedef struct demo_member {
    int person;                 /* index in demo_people, -1 ends the list */
    const char *role;
} demo_member;

typedef struct demo_community {
    const char *slug, *name, *visibility;
    bool archived;
    int org;
    const char *description;
    demo_member members[DEMO_MAX_MEMBERS];
    int pending_request;        /* a person asking to join, -1 = none */
} demo_community;

extern const demo_org demo_orgs[];
extern const int demo_norgs;
extern const demo_person demo_people[];
extern const int demo_npeople;
extern const demo_community demo_communities[];
extern const int demo_ncommunities;

#endif
