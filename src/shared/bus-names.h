/* The names tiptoed answers to on D-Bus: the daemon (bus.c) and tiptoectl share them. */
#pragma once

#define BUS_NAME "org.tiptoed.Coach1"
#define BUS_PATH "/org/tiptoed/Coach1"
#define BUS_INTERFACE "org.tiptoed.Coach1"
#define BUS_ERROR BUS_INTERFACE ".Error."
