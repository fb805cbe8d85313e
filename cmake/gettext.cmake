# Translation catalogues: po/LANG.po -> LOCALEDIR/LANG/LC_MESSAGES/gatehouse.mo
# with `msgfmt --check` (a bad format string or header fails the build).
find_program(GH_MSGFMT msgfmt REQUIRED)
find_program(GH_XGETTEXT xgettext)

# gh_compile_po(<target> <po file> <lang> <locale dir>): builds one catalogue.
function(gh_compile_po target po lang localedir)
  set(mo ${localedir}/${lang}/LC_MESSAGES/gatehouse.mo)
  add_custom_command(OUTPUT ${mo}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${localedir}/${lang}/LC_MESSAGES
    COMMAND ${GH_MSGFMT} --check -o ${mo} ${po}
    DEPENDS ${po} COMMENT "Compiling ${lang} translations" VERBATIM)
  set_property(TARGET ${target} APPEND PROPERTY SOURCES ${mo})
endfunction()
