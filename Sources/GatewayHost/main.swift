import Foundation
import Hummingbird
import AsyncHTTPClient
import GRDB
import Yams
import Crypto
import ServiceLifecycle
import ArgumentParser
