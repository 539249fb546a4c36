/* `vtex-webhook configure`: sets up, shows or removes the store's order hook
 * through VTEX's hook configuration API (POST/GET/DELETE
 * /api/orders/hook/config), pointing it at this receiver with the shared
 * secret header. */
#ifndef VW_CONFIGURE_H
#define VW_CONFIGURE_H

/* The shortest shared secret taken (bytes), by the server and by configure. */
#define WEBHOOK_SECRET_MIN 16

int configure_main(int argc, char **argv);

#endif
