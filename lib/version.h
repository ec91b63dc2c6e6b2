/* version.h - the one place the version number lives. */
#ifndef YK_VERSION
#define YK_VERSION "0.1.0"
#endif
