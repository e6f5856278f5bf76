import PolicyCommands

@main
struct Entrypoint {
    static func main() async {
        await MittoPolicyCommand.main()
    }
}
