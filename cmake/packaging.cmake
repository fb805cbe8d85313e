# Packaging: installs Gatehouse as a Debian 12 appliance lays it out, and
# builds the .deb with CPack (`cpack -G DEB`).
#
#   /usr/bin/gatehouse, /usr/bin/gatehousectl      (kiosk/CMakeLists.txt)
#   /usr/lib/gatehouse/plugins/<name>.so           (plugins/CMakeLists.txt)
#   /usr/share/gatehouse/                          (assets/CMakeLists.txt)
#   /etc/gatehouse/gatehouse.conf                  conffile, from kiosk/gatehouse.conf.example
#   /usr/lib/systemd/system/gatehouse{,-kiosk}.service
#   /usr/lib/systemd/system/gatehouse-import.{path,service}, and the script it
#   runs, /usr/lib/gatehouse/gatehouse-import-sync (the drop folder, issue 18)
#   /usr/lib/sysusers.d/gatehouse.conf, /usr/lib/tmpfiles.d/gatehouse.conf
#   /usr/lib/udev/rules.d/60-gatehouse-relays.rules
#   /usr/lib/udev/rules.d/61-gatehouse-readers.rules
#   /usr/share/man/man5/gatehouse.conf.5.gz, man8/gatehouse{,ctl}.8.gz
#   /usr/share/doc/gatehouse/{copyright,changelog.Debian.gz,operations.md}
#   /var/lib/gatehouse/ (made by tmpfiles and the units' StateDirectory=)
#
# The package build proper (Release, Debian's hardening flags, prefix /usr)
# is tests/pkg/build-deb.sh; docs/operations.md shows the commands.
set(GH_PKG_SRC ${PROJECT_SOURCE_DIR}/kiosk)
set(GH_PKG_OUT ${PROJECT_BINARY_DIR}/pkg)
file(MAKE_DIRECTORY ${GH_PKG_OUT})

set(GH_CONFIG_INSTALL_DIR "/etc/gatehouse" CACHE STRING
    "where gatehouse.conf is installed (absolute: /etc is outside the prefix)")
set(GH_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING "systemd system units, relative to the prefix")
set(GH_SYSUSERS_DIR "lib/sysusers.d" CACHE STRING "sysusers.d, relative to the prefix")
set(GH_TMPFILES_DIR "lib/tmpfiles.d" CACHE STRING "tmpfiles.d, relative to the prefix")
set(GH_UDEV_RULES_DIR "lib/udev/rules.d" CACHE STRING "udev rules, relative to the prefix")
set(GH_DOC_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/doc/gatehouse")
set(GH_MAN_INSTALL_DIR "${CMAKE_INSTALL_MANDIR}")

# --- files that name installed paths: written for this prefix ---------------
# The sources read as the appliance has them (/usr/bin, /usr/lib/...); a build
# for another prefix rewrites those paths, so `cmake --install` to /usr/local
# gives units and a config that point at what it installed.
set(GH_FULL_PLUGIN_DIR "${CMAKE_INSTALL_PREFIX}/${GH_PLUGIN_INSTALL_DIR}")
function(gh_pkg_rewrite in out)
  file(READ ${in} text)
  string(REPLACE "/usr/bin/gatehouse" "${CMAKE_INSTALL_FULL_BINDIR}/gatehouse" text "${text}")
  string(REPLACE "/usr/lib/gatehouse/plugins" "${GH_FULL_PLUGIN_DIR}" text "${text}")
  string(REPLACE "/usr/lib/gatehouse/gatehouse-import-sync"
         "${CMAKE_INSTALL_PREFIX}/lib/gatehouse/gatehouse-import-sync" text "${text}")
  string(REPLACE "/etc/gatehouse/gatehouse.conf" "${GH_CONFIG_INSTALL_DIR}/gatehouse.conf" text "${text}")
  # Through a copy, so the output only changes (and triggers a reinstall)
  # when its text does.
  file(WRITE ${out}.new "${text}")
  configure_file(${out}.new ${out} COPYONLY)
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${in})
endfunction()
gh_pkg_rewrite(${GH_PKG_SRC}/gatehouse.conf.example ${GH_PKG_OUT}/gatehouse.conf)
gh_pkg_rewrite(${GH_PKG_SRC}/systemd/gatehouse.service ${GH_PKG_OUT}/gatehouse.service)
gh_pkg_rewrite(${GH_PKG_SRC}/systemd/gatehouse-kiosk.service ${GH_PKG_OUT}/gatehouse-kiosk.service)
gh_pkg_rewrite(${GH_PKG_SRC}/systemd/gatehouse-import.service ${GH_PKG_OUT}/gatehouse-import.service)
gh_pkg_rewrite(${GH_PKG_SRC}/systemd/gatehouse-import-sync ${GH_PKG_OUT}/gatehouse-import-sync)

# --- compressed man pages and changelog (gzip -9n: reproducible, as dh does) -
find_program(GH_GZIP gzip REQUIRED)
set(GH_PKG_GZ)
set(GH_MAN_PAGES gatehouse.8 gatehousectl.8 gatehouse.conf.5)
foreach(page IN LISTS GH_MAN_PAGES)
  set(src ${GH_PKG_SRC}/man/${page})
  if(EXISTS ${src})
    add_custom_command(OUTPUT ${GH_PKG_OUT}/${page}.gz
      COMMAND ${GH_GZIP} -9n -c ${src} > ${GH_PKG_OUT}/${page}.gz
      DEPENDS ${src} COMMENT "Compressing man page ${page}" VERBATIM)
    list(APPEND GH_PKG_GZ ${GH_PKG_OUT}/${page}.gz)
    string(REGEX REPLACE "^.*\\.([0-9])$" "\\1" section ${page})
    install(FILES ${GH_PKG_OUT}/${page}.gz DESTINATION ${GH_MAN_INSTALL_DIR}/man${section})
  endif()
endforeach()
add_custom_command(OUTPUT ${GH_PKG_OUT}/changelog.Debian.gz
  COMMAND ${GH_GZIP} -9n -c ${GH_PKG_SRC}/debian/changelog > ${GH_PKG_OUT}/changelog.Debian.gz
  DEPENDS ${GH_PKG_SRC}/debian/changelog COMMENT "Compressing changelog.Debian" VERBATIM)
list(APPEND GH_PKG_GZ ${GH_PKG_OUT}/changelog.Debian.gz)
add_custom_target(gh_pkg_files ALL DEPENDS ${GH_PKG_GZ})

# --- install rules ------------------------------------------------------------
# The plugin folder exists even in a build without plugins: the config names it.
install(DIRECTORY DESTINATION ${GH_PLUGIN_INSTALL_DIR})
install(FILES ${GH_PKG_OUT}/gatehouse.conf DESTINATION ${GH_CONFIG_INSTALL_DIR})
install(FILES ${GH_PKG_OUT}/gatehouse.service ${GH_PKG_OUT}/gatehouse-kiosk.service
        ${GH_PKG_OUT}/gatehouse-import.service ${GH_PKG_SRC}/systemd/gatehouse-import.path
        DESTINATION ${GH_SYSTEMD_UNIT_DIR})
install(PROGRAMS ${GH_PKG_OUT}/gatehouse-import-sync DESTINATION lib/gatehouse)
install(FILES ${GH_PKG_SRC}/systemd/gatehouse.sysusers DESTINATION ${GH_SYSUSERS_DIR}
        RENAME gatehouse.conf)
install(FILES ${GH_PKG_SRC}/systemd/gatehouse.tmpfiles DESTINATION ${GH_TMPFILES_DIR}
        RENAME gatehouse.conf)
install(FILES ${GH_PKG_SRC}/udev/60-gatehouse-relays.rules DESTINATION ${GH_UDEV_RULES_DIR})
install(FILES ${GH_PKG_SRC}/udev/61-gatehouse-readers.rules DESTINATION ${GH_UDEV_RULES_DIR})
install(FILES ${GH_PKG_SRC}/debian/copyright ${GH_PKG_OUT}/changelog.Debian.gz
        DESTINATION ${GH_DOC_INSTALL_DIR})
# Tags that are about uploads to Debian itself, which this package is not for.
install(FILES ${GH_PKG_SRC}/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME gatehouse)
if(EXISTS ${PROJECT_SOURCE_DIR}/docs/operations.md)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md DESTINATION ${GH_DOC_INSTALL_DIR})
endif()
# What gatehouse(8) points to for the relay hardware (issue 11).
if(EXISTS ${PROJECT_SOURCE_DIR}/docs/relay-boards.md)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/relay-boards.md DESTINATION ${GH_DOC_INSTALL_DIR})
endif()

# --- the Debian package ---------------------------------------------------------
# The maintainer scripts and the conffiles list go into the control archive.
file(WRITE ${GH_PKG_OUT}/conffiles "${GH_CONFIG_INSTALL_DIR}/gatehouse.conf\n")
foreach(script postinst prerm postrm)
  configure_file(${GH_PKG_SRC}/debian/${script} ${GH_PKG_OUT}/${script} COPYONLY)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gatehouse)
set(CPACK_PACKAGE_VENDOR "The Gatehouse developers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Gatehouse Maintainers <gatehouse@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "touchscreen door kiosk for building lobbies")
# CPack puts the summary in front as the synopsis line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Gatehouse runs on a touchscreen in the lobby of a building or a storage
facility. Occupants sign up at the screen, staff approve them there, and
people with access unlock their doors, which are wired to USB relay boards.
Accounts, doors and the tamper-evident activity log live in a local SQLite
database; emails go out through a central SMTP relay.

This package holds the kiosk (run under cage, or headless), the gatehousectl
admin command, the plugins, systemd units, udev rules for HID and FTDI relay
boards, and a system user to run as.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# Library dependencies come from dpkg-shlibdeps on the programs and plugins;
# these are the ones no ELF file names: systemd-sysusers/tmpfiles for the
# maintainer scripts and the units, the font the kiosk draws with, and cage,
# which only the on-screen unit needs. Debian 12's cage is built with
# Xwayland support and exits at start ("Cannot create XWayland server")
# when /usr/bin/Xwayland is missing, without depending on it: hence xwayland.
# libcurl4 too: both programs dlopen() libcurl.so.4 only when mail is sent
# (kiosk/common/curl_lazy.c), so no ELF file names it and dpkg-shlibdeps
# can't see it. The mailer sets CURLOPT_PROTOCOLS_STR (libcurl 7.85); 7.88
# is Debian 12's, the oldest this package is built and tested against.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, fonts-dejavu-core, libcurl4 (>= 7.88)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cage, xwayland, postgresql-client, libpq5")   # site server (issue 20): psql for its admin; libpq5 is dlopen()ed only with [site] (core/src/site_pq.c)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${GH_PKG_OUT}/conffiles;${GH_PKG_OUT}/postinst;${GH_PKG_OUT}/prerm;${GH_PKG_OUT}/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_SOURCE_GENERATOR "")
# The programs, units and config name paths under the configured prefix, and
# the package installs to /usr: a build configured for /usr/local would ship
# units starting /usr/local/bin/gatehouse. Refuse to pack such a build.
file(WRITE ${GH_PKG_OUT}/cpack-project.cmake
"if(CPACK_GENERATOR STREQUAL \"DEB\" AND NOT \"${CMAKE_INSTALL_PREFIX}\" STREQUAL \"/usr\")
  message(FATAL_ERROR \"this build is configured for ${CMAKE_INSTALL_PREFIX}; the .deb needs \"
    \"-DCMAKE_INSTALL_PREFIX=/usr (tests/pkg/build-deb.sh does that)\")
endif()
")
set(CPACK_PROJECT_CONFIG_FILE ${GH_PKG_OUT}/cpack-project.cmake)
include(CPack)
