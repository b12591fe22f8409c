extension ScaffoldTemplates {
    /// `.gitignore` of a generated package.
    static let gitignore = ScaffoldFile(
        ".gitignore",
        #"""
.build/
.swiftpm/
"""#)
}
